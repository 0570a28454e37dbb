package ai.marft.env.math;

import org.hipparchus.complex.Complex;
import org.hipparchus.fraction.BigFraction;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Values checked against hand computation. */
class LatexParserTest {
    private static BigFraction exact(String latex) {
        return LatexParser.parse(latex).exact().orElseThrow();
    }

    private static double real(String latex, Map<String, Complex> vars) {
        Complex v = LatexParser.parse(latex).eval(vars);
        assertThat(Math.abs(v.getImaginary())).isLessThan(1e-12);
        return v.getReal();
    }

    @Test
    void rationalsAreExact() {
        assertThat(exact("\\frac{14}{3}")).isEqualTo(new BigFraction(14, 3));
        assertThat(exact("-\\frac{3}{-8}")).isEqualTo(new BigFraction(3, 8));
        assertThat(exact("2^{-3}+0.125")).isEqualTo(new BigFraction(1, 4));
        assertThat(exact("(1+2)(3+4)/7")).isEqualTo(new BigFraction(3));
        assertThat(exact("6.72e-5")).isEqualTo(new BigFraction(672, 10_000_000));
        assertThat(exact(".0000672")).isEqualTo(new BigFraction(672, 10_000_000));
        assertThat(exact("1.2 \\times 10^{4}")).isEqualTo(new BigFraction(12000));
        assertThat(exact("2 \\cdot 3 \\div 4")).isEqualTo(new BigFraction(3, 2));
        assertThat(exact("11111111100")).isEqualTo(new BigFraction(11111111100L));
    }

    @Test
    void decimalsAreMarkedApproximate() {
        assertThat(LatexParser.parse("3.14").approximate()).isTrue();
        assertThat(LatexParser.parse("\\frac{22}{7}").approximate()).isFalse();
    }

    @Test
    void irrationalValues() {
        Map<String, Complex> none = Map.of();
        assertThat(real("3\\sqrt{13}", none)).isCloseTo(10.816653826391969, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(real("\\sqrt[3]{-8}", none)).isCloseTo(-2.0, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(real("\\frac{\\pi}{6}", none)).isCloseTo(0.5235987755982988, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(real("\\log_2 8", none)).isCloseTo(3.0, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(real("\\ln e^2", none)).isCloseTo(2.0, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(real("5!", none)).isEqualTo(120.0);
        assertThat(real("\\binom{6}{2}", none)).isEqualTo(15.0);
        assertThat(real("|-3|", none)).isEqualTo(3.0);
        assertThat(real("\\sin^{-1} 1", none)).isCloseTo(Math.PI / 2, org.assertj.core.api.Assertions.within(1e-12));
        Complex z = LatexParser.parse("6-5i").eval(none);
        assertThat(z.getReal()).isEqualTo(6.0);
        assertThat(z.getImaginary()).isEqualTo(-5.0);
    }

    @Test
    void functionsAndImplicitProducts() {
        Map<String, Complex> at = Map.of("x", new Complex(0.7), "k", new Complex(3), "r", new Complex(2), "R", new Complex(5));
        assertThat(real("\\sin^2 x", at)).isCloseTo(Math.pow(Math.sin(0.7), 2), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(real("\\sin x^2", at)).isCloseTo(Math.sin(0.49), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(real("\\sin 2x", at)).isCloseTo(Math.sin(1.4), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(real("2\\sin x \\cos x", at)).isCloseTo(Math.sin(1.4), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(real("\\pi r^2", at)).isCloseTo(4 * Math.PI, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(real("2k+2", at)).isEqualTo(8.0);
        assertThat(real("3R^2 - r", at)).isEqualTo(73.0);
        assertThat(real("x(x+1)", at)).isCloseTo(0.7 * 1.7, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void variablesAreCollected() {
        Set<String> vars = new TreeSet<>();
        LatexParser.parse("a_1 x + \\theta y^{2} - e + i\\pi").variables(vars);
        assertThat(vars).containsExactly("a_1", "theta", "x", "y");
    }

    @Test
    void unreadableInputIsRejected() {
        assertThatThrownBy(() -> LatexParser.parse("\\foo{3}")).isInstanceOf(LatexParser.NotParsable.class);
        assertThatThrownBy(() -> LatexParser.parse("(1+2")).isInstanceOf(LatexParser.NotParsable.class);
        assertThatThrownBy(() -> LatexParser.parse("3 +")).isInstanceOf(LatexParser.NotParsable.class);
        assertThatThrownBy(() -> LatexParser.parse("")).isInstanceOf(LatexParser.NotParsable.class);
    }
}
