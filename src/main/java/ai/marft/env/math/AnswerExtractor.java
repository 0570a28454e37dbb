package ai.marft.env.math;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pulls the stated answer out of a model's text (MARFT.md §3): the content of the last balanced
 * {@code \boxed{...}} or {@code \fbox{...}}, else what follows the last "The answer is" / "Final
 * answer:" / "####", else inline math that ends the text, else the last number.
 */
public final class AnswerExtractor {
    private AnswerExtractor() {}

    private static final Pattern ANSWER_IS = Pattern.compile(
            "(?i)(?:answer\\s*(?:is\\s*:?|:)|####)[\\s*]*");
    private static final Pattern CLOSING_MATH = Pattern.compile("(?<!\\\\)\\$((?:[^$]|\\\\\\$)+?)(?<!\\\\)\\$[\\s.!]*$");
    private static final Pattern CLAUSE = Pattern.compile(",\\s+[A-Za-z]{2,}");
    private static final Pattern NUMBER = Pattern.compile(
            "-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|-?\\d+(?:\\.\\d+)?(?:\\s*/\\s*\\d+)?|-?\\.\\d+");

    /** The answer stated in {@code text}, or null when it states none. */
    public static String extract(String text) {
        if (text == null) return null;
        String boxed = lastBoxed(text);
        if (boxed != null) return boxed.strip();
        String stated = afterLastAnswerIs(text);
        if (stated != null) return stated;
        String closing = closingMath(text);
        if (closing != null) return closing;
        String number = null;
        for (Matcher m = NUMBER.matcher(text); m.find(); ) number = m.group();
        return number;
    }

    /**
     * A text that ends with inline math ("The probability is $\frac{1}{6}$.") states it as its
     * result: its content, or what follows its last '=' ("so $x = 5$."). Null when the text does not
     * end that way.
     */
    private static String closingMath(String text) {
        Matcher m = CLOSING_MATH.matcher(text);
        if (!m.find()) return null;
        String math = m.group(1);
        int equals = math.lastIndexOf('=');
        String value = (equals >= 0 ? math.substring(equals + 1) : math).strip();
        return value.isEmpty() || !value.matches(".*[0-9\\\\].*") ? null : value;
    }

    /** Content of the last \boxed / \fbox whose braces close; {@code \boxed 5} (no braces) counts too. */
    public static String lastBoxed(String text) {
        int at = Math.max(text.lastIndexOf("\\boxed"), text.lastIndexOf("\\fbox"));
        while (at >= 0) {
            int commandEnd = at + (text.startsWith("\\boxed", at) ? 6 : 5);
            int i = commandEnd;
            while (i < text.length() && text.charAt(i) == ' ') i++;
            if (i < text.length() && text.charAt(i) == '{') {
                int end = Latex.groupEnd(text, i);
                if (end > 0) return text.substring(i + 1, end - 1);
            } else if (i > commandEnd) { // "\boxed 5": the argument runs to the next space or $
                int end = i;
                while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != '$') end++;
                if (end > i) return text.substring(i, end);
            }
            String before = text.substring(0, at);
            at = Math.max(before.lastIndexOf("\\boxed"), before.lastIndexOf("\\fbox"));
        }
        return null;
    }

    /** The content of a $...$, $$...$$ or \\(...\\) that {@code s} starts with, or null. */
    private static String leadingMath(String s) {
        for (String[] d : new String[][] {{"$$", "$$"}, {"$", "$"}, {"\\(", "\\)"}, {"\\[", "\\]"}}) {
            if (!s.startsWith(d[0])) continue;
            int end = s.indexOf(d[1], d[0].length());
            while (end > 0 && d[1].equals("$") && s.charAt(end - 1) == '\\') end = s.indexOf(d[1], end + 1); // \$ is a dollar sign
            return end < 0 ? null : s.substring(d[0].length(), end);
        }
        return null;
    }

    /** The rest of the line after the last "answer is", without a closing period or $ delimiters. */
    private static String afterLastAnswerIs(String text) {
        int start = -1;
        for (Matcher m = ANSWER_IS.matcher(text); m.find(); ) start = m.end();
        if (start < 0) return null;
        String rest = text.substring(start).stripLeading();
        String math = leadingMath(rest);
        if (math != null) return math.isBlank() ? null : math.strip();
        int newline = rest.indexOf('\n');
        if (newline >= 0) rest = rest.substring(0, newline);
        int sentenceEnd = rest.indexOf(". ");
        if (sentenceEnd >= 0) rest = rest.substring(0, sentenceEnd);
        Matcher clause = CLAUSE.matcher(rest); // "5, since ..." but not "1, 2" or "x = 1, y = 2"
        if (clause.find()) rest = rest.substring(0, clause.start());
        rest = rest.replaceAll("^[\\s*:]+|[\\s*]+$", ""); // markdown bold around the answer
        while (rest.endsWith(".")) rest = rest.substring(0, rest.length() - 1).strip();
        if (rest.startsWith("$") && rest.endsWith("$")) rest = rest.replaceAll("^\\$+|\\$+$", "").strip();
        return rest.isEmpty() ? null : rest;
    }
}
