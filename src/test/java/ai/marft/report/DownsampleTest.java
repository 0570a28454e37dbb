package ai.marft.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Downsampling for charts keeps spikes and ends; short series pass unchanged. */
class DownsampleTest {
    @Test
    void minMaxKeepsEachBucketsExtremesInOrder() {
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8}, y = {0, 5, 1, 1, -3, 2, 2, 2};
        double[][] d = Downsample.minMax(x, y, 4); // 2 buckets of 4: {0,5,1,1} -> x1 (0), x2 (5); {-3,2,2,2} -> x5 (-3), x6 (2)
        assertThat(d[0]).containsExactly(1, 2, 5, 6);
        assertThat(d[1]).containsExactly(0, 5, -3, 2);
        assertThat(Downsample.minMax(x, y, 8)[1]).isSameAs(y);
    }

    @Test
    void meanAveragesEachBucket() {
        double[] x = new double[1001], y = new double[1001];
        for (int i = 0; i <= 1000; i++) y[i] = x[i] = i;
        double[][] d = Downsample.mean(x, y, 5); // buckets [0,200) [200,400) [400,600) [600,800) [800,1000]
        assertThat(d[0]).containsExactly(99.5, 299.5, 499.5, 699.5, 900);
        assertThat(d[1]).containsExactly(99.5, 299.5, 499.5, 699.5, 900);
    }
}
