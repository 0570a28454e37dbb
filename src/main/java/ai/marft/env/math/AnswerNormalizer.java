package ai.marft.env.math;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites an answer into a canonical LaTeX spelling (MARFT.md §3): no $ or display delimiters,
 * no \left/\right/\!, no units, degree signs, percent or dollar signs, no thousands separators,
 * {@code \dfrac}→{@code \frac} with braced arguments, mixed numbers as sums, multiple-choice
 * letters bare. Spaces are kept (they separate {@code \pi r}); {@link #key} drops them for comparison.
 */
final class AnswerNormalizer {
    private AnswerNormalizer() {}

    private static final List<String> TEXT_COMMANDS = List.of("\\text", "\\textbf", "\\textit", "\\textrm", "\\mbox",
            "\\hbox", "\\mathrm", "\\mathbf", "\\mathit", "\\operatorname", "\\textnormal");
    private static final String UNIT_WORDS = "units?|square|sq|cubic|cm|centimeters?|millimeters?|mm|km|kilometers?|meters?|metres?"
            + "|inch|inches|in|ft|feet|foot|yards?|yd|miles?|mi|mph|degrees?|deg|radians?|dollars?|cents?|hours?|hrs?"
            + "|minutes?|mins?|seconds?|secs?|days?|weeks?|months?|years?|pounds?|lbs?|ounces?|oz|grams?|kilograms?|kg"
            + "|liters?|litres?|gallons?|cups?|people|persons?|students?|pages?|points?|ways?|times|percent|apples?|eggs?"
            + "|books?|cookies?|marbles?|coins?|boxes|balls?|tickets?|cars?|bags?|pieces?";
    private static final Pattern TRAILING_UNIT = Pattern.compile(
            "^(.*?(?:\\d|\\}|\\)|\\\\pi))(?:\\s*(?:" + UNIT_WORDS + ")\\b)+(?:\\s*\\^\\s*\\{?[23]\\}?)?$");
    private static final Pattern UNIT_POWER = Pattern.compile("\\s*\\^\\s*\\{?[23]\\}?");
    private static final Pattern THOUSANDS = Pattern.compile("^-?\\d{1,3}(,\\d{3})+(\\.\\d+)?$");
    private static final Pattern BASE_SUBSCRIPT = Pattern.compile("^(\\d+)\\s*_\\s*\\{?\\s*\\d+\\s*\\}?$");
    private static final Pattern MIXED_FRAC = Pattern.compile("^(-?)(\\d+)\\s*\\\\frac\\{(\\d+)\\}\\{(\\d+)\\}$");
    private static final Pattern MIXED_SLASH = Pattern.compile("^(-?)(\\d+)\\s+(\\d+)\\s*/\\s*(\\d+)$");
    private static final Pattern CHOICE = Pattern.compile("^\\(?\\s*([A-Ea-e])\\s*\\)$");
    private static final Pattern SET_MEMBER_PREFIX = Pattern.compile("^[A-Za-z]\\s*\\\\in\\s*");
    private static final Pattern WORDS = Pattern.compile("^[A-Za-z][A-Za-z '-]*$");

    /** The canonical spelling of {@code answer} (never null; empty when nothing is left). */
    static String clean(String answer) {
        String s = answer.strip();
        s = unicode(s);
        s = s.replace("\\$", "").replace("$", "").replace("\\(", "").replace("\\)", "")
                .replace("\\[", "").replace("\\]", "");
        s = Latex.rewriteCommand(s, "\\boxed", a -> a);
        s = Latex.rewriteCommand(s, "\\fbox", a -> a);
        s = s.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("\\dbinom", "\\binom").replace("\\tbinom", "\\binom")
                .replace("\\displaystyle", "").replace("\\left.", "").replace("\\right.", "")
                .replaceAll("\\\\(left|right|bigl|bigr|Bigl|Bigr|big|Big)(?![a-zA-Z])", "")
                .replaceAll(",\\\\!\\s*", ",") // 10,\!080: a thousands separator
                .replace("\\!", "").replaceAll("(?<!\\\\)\\\\[,;: ]|~|\\\\q?quad", " ");
        s = s.replaceAll("\\^\\s*\\{?\\s*\\\\circ\\s*\\}?", "").replace("\\circ", "").replace("\\degree", "");
        s = s.replace("\\%", "").replace("%", "");
        s = texts(s);
        s = s.replaceAll("\\s+", " ").strip();
        s = stripTrailingPunctuation(s);
        Matcher unit = TRAILING_UNIT.matcher(s);
        if (unit.matches()) s = unit.group(1).strip();
        s = SET_MEMBER_PREFIX.matcher(s).replaceFirst("");
        s = s.replaceAll("\\\\sqrt\\s*([0-9a-zA-Z])", "\\\\sqrt{$1}");
        s = Latex.braceArguments(s, "\\frac", 2);
        s = Latex.braceArguments(s, "\\binom", 2);
        if (THOUSANDS.matcher(s).matches()) s = s.replace(",", "");
        Matcher m;
        if ((m = BASE_SUBSCRIPT.matcher(s)).matches()) s = m.group(1);
        if ((m = MIXED_FRAC.matcher(s)).matches() || (m = MIXED_SLASH.matcher(s)).matches())
            s = m.group(1) + "(" + m.group(2) + "+\\frac{" + m.group(3) + "}{" + m.group(4) + "})";
        if ((m = CHOICE.matcher(s)).matches()) s = m.group(1).toUpperCase();
        return s;
    }

    /** The comparison key of a cleaned answer: no whitespace; words compare case-insensitively. */
    static String key(String cleaned) {
        String k = cleaned.replaceAll("\\s+", "");
        return isWords(cleaned) ? k.toLowerCase() : k;
    }

    /** Whether a cleaned answer is plain words (east, Evelyn, even) rather than math: three or more letters. */
    static boolean isWords(String cleaned) {
        return WORDS.matcher(cleaned).matches() && cleaned.replaceAll("[^A-Za-z]", "").length() >= 3;
    }

    private static String unicode(String s) {
        return s.replace('−', '-').replace("π", "\\pi ").replace("∞", "\\infty ").replace("√", "\\sqrt")
                .replace("×", "\\times ").replace("·", "\\cdot ").replace("°", "").replace("±", "\\pm ")
                .replace("∪", "\\cup ").replace("\\inf ", "\\infty ").replace(" ", " ");
    }

    /**
     * \text{...} and its kin: the whole answer in one → its content; " and "/" or " → a comma (lists
     * of solutions); words after a value → dropped (units: 5\text{ cm}); anything else → its content.
     */
    private static String texts(String s) {
        for (String cmd : TEXT_COMMANDS) {
            String trimmed = s.strip();
            if (trimmed.startsWith(cmd) && Latex.indexOfCommand(trimmed, cmd, 0) == 0) {
                int open = Latex.skipSpaces(trimmed, cmd.length());
                if (open < trimmed.length() && trimmed.charAt(open) == '{' && Latex.groupEnd(trimmed, open) == trimmed.length())
                    return texts(trimmed.substring(open + 1, trimmed.length() - 1));
            }
        }
        for (String cmd : TEXT_COMMANDS) s = rewriteTexts(s, cmd);
        return s;
    }

    private static String rewriteTexts(String s, String cmd) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (true) {
            int at = Latex.indexOfCommand(s, cmd, from);
            if (at < 0) break;
            int open = Latex.skipSpaces(s, at + cmd.length());
            int end = open < s.length() && s.charAt(open) == '{' ? Latex.groupEnd(s, open) : -1;
            if (end < 0) break;
            String content = s.substring(open + 1, end - 1).strip();
            String before = s.substring(0, at).strip();
            out.append(s, from, at);
            if (content.equals("and") || content.equals("or") || content.equals(",")) out.append(", ");
            else if (!before.isEmpty() && content.matches("[A-Za-z][A-Za-z .]*")) { // a unit, with its ^2 or ^3
                out.append(' ');
                Matcher square = UNIT_POWER.matcher(s).region(end, s.length());
                if (square.lookingAt()) end = square.end();
            } else out.append(content);
            from = end;
        }
        return out.append(s.substring(from)).toString();
    }

    private static String stripTrailingPunctuation(String s) {
        while (s.endsWith(".") || s.endsWith(";") || s.endsWith("\\")) s = s.substring(0, s.length() - 1).strip();
        return s;
    }
}
