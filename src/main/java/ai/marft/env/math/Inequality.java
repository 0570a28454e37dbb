package ai.marft.env.math;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads an inequality in one variable as the interval it describes: x \ge 2 is [2, \infty); 1 < x \le 3 is (1, 3]. */
final class Inequality {
    private Inequality() {}

    private static final String LESS = "<|\\\\le(?:q|qslant)?(?![A-Za-z])";
    private static final String OP = "<|>|\\\\[lg]e(?:q|qslant)?(?![A-Za-z])";
    private static final String VAR = "[A-Za-z]";
    private static final Pattern BETWEEN = Pattern.compile("^(.+?)\\s*(" + LESS + ")\\s*" + VAR + "\\s*(" + LESS + ")\\s*(.+)$");
    private static final Pattern VAR_FIRST = Pattern.compile("^" + VAR + "\\s*(" + OP + ")\\s*(.+)$");
    private static final Pattern VAR_LAST = Pattern.compile("^(.+?)\\s*(" + OP + ")\\s*" + VAR + "$");

    /** The interval, or null when {@code s} is not such an inequality. */
    static Answer asInterval(String s) {
        Matcher m;
        if ((m = BETWEEN.matcher(s)).matches())
            return interval(bracket(m.group(2), '(', '['), m.group(1), m.group(4), bracket(m.group(3), ')', ']'));
        if ((m = VAR_FIRST.matcher(s)).matches()) return ray(m.group(1), m.group(2));
        if ((m = VAR_LAST.matcher(s)).matches()) return ray(flip(m.group(2)), m.group(1));
        return null;
    }

    /** x OP bound. */
    private static Answer ray(String op, String bound) {
        boolean strict = op.equals("<") || op.equals(">");
        boolean upper = op.equals("<") || op.startsWith("\\l");
        return upper ? interval('(', "-\\infty", bound, strict ? ')' : ']')
                : interval(strict ? '(' : '[', bound, "\\infty", ')');
    }

    private static String flip(String op) {
        return switch (op) {
            case "<" -> ">";
            case ">" -> "<";
            default -> op.startsWith("\\l") ? "\\ge" : "\\le";
        };
    }

    private static char bracket(String op, char strict, char inclusive) { return op.equals("<") ? strict : inclusive; }

    private static Answer interval(char open, String low, String high, char close) {
        return new Answer.Bracketed(open, close, List.of(Answer.of(AnswerNormalizer.clean(low)), Answer.of(AnswerNormalizer.clean(high))));
    }
}
