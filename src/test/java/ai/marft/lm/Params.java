package ai.marft.lm;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/** Test helper: the values of a list of parameters, concatenated (to compare adapters or critics before and after). */
public final class Params {
    private Params() {}

    public static float[] flat(List<NDArray> ps) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (NDArray p : ps) {
            parts.add(p.toFloatArray());
            n += parts.getLast().length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] f : parts) {
            System.arraycopy(f, 0, out, at, f.length);
            at += f.length;
        }
        return out;
    }
}
