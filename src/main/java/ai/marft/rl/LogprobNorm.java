package ai.marft.rl;

import ai.marft.lm.Owned;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.marft.InputError;

import java.util.Locale;

/**
 * How an action's log-probability log π(a|o) is formed from its token log-probs (MARFT.md §4):
 * the sum, divided by 1 ({@code sum}), by the number of tokens ({@code token}), or by the number
 * of whitespace-separated words of the action text ({@code word}, at least 1 so an empty or
 * all-whitespace action does not divide by zero, which the reference would).
 * Rollout and training must use the same mode; the rollout value goes into the buffer as is.
 */
public enum LogprobNorm {
    SUM, TOKEN, WORD;

    /** Parses a mode name as written in configs and on the command line: sum, token or word. */
    public static LogprobNorm parse(String name) {
        for (LogprobNorm m : values()) if (m.name().toLowerCase(Locale.ROOT).equals(name)) return m;
        throw new InputError("log-prob normalisation '" + name + "': expected sum, token or word");
    }

    /** What the summed token log-probs are divided by. */
    public double divisor(int tokenCount, String actionText) {
        if (tokenCount < 1) throw new IllegalArgumentException("an action has at least one token, got " + tokenCount);
        return switch (this) {
            case SUM -> 1.0;
            case TOKEN -> tokenCount;
            case WORD -> Math.max(1, countWords(actionText));
        };
    }

    /** The action log-prob from the first {@code tokenCount} token log-probs (rollout side). */
    public double apply(float[] tokenLogProbs, int tokenCount, String actionText) {
        double sum = 0;
        for (int k = 0; k < tokenCount; k++) sum += tokenLogProbs[k];
        return sum / divisor(tokenCount, actionText);
    }

    /**
     * The action log-probs [B] from token log-probs [B, K] (training side, differentiable): row b
     * sums its first {@code tokenCounts[b]} entries and divides by its divisor. Positions beyond a
     * row's count are ignored but must be finite. Results belong to the input's manager.
     */
    public NDArray apply(NDArray tokenLogProbs, int[] tokenCounts, String[] actionTexts) {
        Shape shape = tokenLogProbs.getShape();
        int rows = (int) shape.get(0), width = shape.dimension() == 2 ? (int) shape.get(1) : -1;
        if (width < 0 || tokenCounts.length != rows || actionTexts.length != rows) {
            throw new IllegalArgumentException("token log-probs " + shape + " with " + tokenCounts.length
                    + " counts and " + actionTexts.length + " texts: expected [B, K] and B of each");
        }
        double[] weights = new double[rows * width];
        for (int b = 0; b < rows; b++) {
            if (tokenCounts[b] > width) throw new IllegalArgumentException("row " + b + " has " + tokenCounts[b] + " tokens > " + width);
            double w = 1.0 / divisor(tokenCounts[b], actionTexts[b]);
            for (int k = 0; k < tokenCounts[b]; k++) weights[b * width + k] = w;
        }
        NDArray weight = Owned.of(tokenLogProbs.getManager().create(weights, shape)).toType(tokenLogProbs.getDataType(), false);
        return tokenLogProbs.mul(weight).sum(new int[] {1});
    }

    /** Words as Python's {@code str.split()} counts them: maximal runs of non-whitespace. */
    static int countWords(String text) {
        int words = 0;
        boolean inWord = false;
        for (int p = 0; p < text.length(); ) {
            int cp = text.codePointAt(p);
            boolean space = Character.isWhitespace(cp) || Character.isSpaceChar(cp);
            if (!space && !inWord) words++;
            inWord = !space;
            p += Character.charCount(cp);
        }
        return words;
    }
}
