package ai.marft.env.arith;

import ai.marft.env.Grader;

import java.math.BigInteger;
import java.util.regex.Pattern;

/** Grades arith answers: the content of the last balanced {@code \boxed{...}}, compared as integers. */
public final class ArithGrader implements Grader {
    private static final String BOXED = "\\boxed{";
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    /** The content of the last {@code \boxed{...}} whose braces close, or null when there is none. */
    @Override
    public String extract(String text) {
        if (text == null) return null;
        for (int start = text.lastIndexOf(BOXED); start >= 0; start = text.lastIndexOf(BOXED, start - 1)) {
            int open = start + BOXED.length();
            int depth = 1;
            for (int i = open; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '{') depth++;
                else if (c == '}' && --depth == 0) return text.substring(open, i);
            }
        }
        return null;
    }

    /** Integer equality after trimming; anything that is not an integer is not equal. */
    @Override
    public boolean equal(String predicted, String gold) {
        if (predicted == null || gold == null) return false;
        String p = predicted.strip();
        String g = gold.strip();
        if (!INTEGER.matcher(p).matches() || !INTEGER.matcher(g).matches()) return false;
        return new BigInteger(p).equals(new BigInteger(g));
    }
}
