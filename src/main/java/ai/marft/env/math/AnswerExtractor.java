package ai.marft.env.math;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pulls the stated answer out of a model's text (MARFT.md §3): the content of the last balanced
 * {@code \boxed{...}} or {@code \fbox{...}}, else what follows the last "The answer is" / "Final
 * answer:" / "####", else the last number.
 */
public final class AnswerExtractor {
    private AnswerExtractor() {}

    private static final Pattern ANSWER_IS = Pattern.compile(
            "(?i)(?:answer\\s*(?:is|:)|answer\\s+is\\s*:|####)\\s*");
    private static final Pattern NUMBER = Pattern.compile(
            "-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|-?\\d+(?:\\.\\d+)?(?:\\s*/\\s*\\d+)?|-?\\.\\d+");

    /** The answer stated in {@code text}, or null when it states none. */
    public static String extract(String text) {
        if (text == null) return null;
        String boxed = lastBoxed(text);
        if (boxed != null) return boxed.strip();
        String stated = afterLastAnswerIs(text);
        if (stated != null) return stated;
        String number = null;
        for (Matcher m = NUMBER.matcher(text); m.find(); ) number = m.group();
        return number;
    }

    /** Content of the last \boxed / \fbox whose braces close; {@code \boxed 5} (no braces) counts too. */
    public static String lastBoxed(String text) {
        int at = Math.max(text.lastIndexOf("\\boxed"), text.lastIndexOf("\\fbox"));
        while (at >= 0) {
            int i = at + (text.startsWith("\\boxed", at) ? 6 : 5);
            while (i < text.length() && text.charAt(i) == ' ') i++;
            if (i < text.length() && text.charAt(i) == '{') {
                int end = Latex.groupEnd(text, i);
                if (end > 0) return text.substring(i + 1, end - 1);
            } else if (i > at + 6 || (i < text.length() && text.charAt(i - 1) == ' ')) {
                int end = i;
                while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != '$') end++;
                if (end > i) return text.substring(i, end);
            }
            String before = text.substring(0, at);
            at = Math.max(before.lastIndexOf("\\boxed"), before.lastIndexOf("\\fbox"));
        }
        return null;
    }

    /** The rest of the line after the last "answer is", without a closing period or $ delimiters. */
    private static String afterLastAnswerIs(String text) {
        int start = -1;
        for (Matcher m = ANSWER_IS.matcher(text); m.find(); ) start = m.end();
        if (start < 0) return null;
        String rest = text.substring(start);
        int newline = rest.indexOf('\n');
        if (newline >= 0) rest = rest.substring(0, newline);
        int sentenceEnd = rest.indexOf(". ");
        if (sentenceEnd >= 0) rest = rest.substring(0, sentenceEnd);
        rest = rest.strip();
        while (rest.endsWith(".")) rest = rest.substring(0, rest.length() - 1).strip();
        if (rest.startsWith("$") && rest.endsWith("$")) rest = rest.replaceAll("^\\$+|\\$+$", "").strip();
        return rest.isEmpty() ? null : rest;
    }
}
