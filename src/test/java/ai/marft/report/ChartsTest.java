package ai.marft.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Chart helpers: the y range of a constant series, and what the SVG export hands the page. */
class ChartsTest {
    @Test
    void aConstantSeriesGetsARangeAroundItsValue() {
        assertThat(Charts.paddedFlatRange(32, 32.00000000000001)).containsExactly(32 - 3.200000000000001, 32.00000000000001 + 3.200000000000001);
        assertThat(Charts.paddedFlatRange(0, 0)).containsExactly(-1, 1);
        assertThat(Charts.paddedFlatRange(0.1, 0.2)).isNull();
    }

    @Test
    void svgIsAnInlineElementWithRoundedPathData() {
        String svg = Charts.svg("t", "iteration", List.of(new Charts.Line("y", new double[]{1, 2, 3}, new double[]{0.5, Double.NaN, 0.7})), 0.6);
        assertThat(svg).startsWith("<svg").endsWith("</svg>\n").doesNotContain("<?xml", "DOCTYPE");
        assertThat(svg).doesNotContainPattern(" d=\"[^\"]*\\d\\.\\d\\d");
    }
}
