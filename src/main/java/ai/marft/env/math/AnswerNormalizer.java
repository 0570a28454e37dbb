package ai.marft.env.math;

import java.math.BigInteger;
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
    /** 5 m, 3 g, 10 s, 2 h, 4 L: a one-letter unit only counts after a plain number and a space. */
    private static final Pattern NUMBER_LETTER_UNIT = Pattern.compile("^(-?[\\d.,]+) (?:m|g|s|h|L|l)(?:\\^\\{?[23]\\}?)?$");
    /** "18 dollars per day", "\frac{3}{4} of the cake": lower-case words (one of 3+ letters) after a value. */
    private static final Pattern VALUE_THEN_WORDS = Pattern.compile(
            "^(.*(?:\\d|\\}))(?=(?:\\s+[a-z]{2,})*\\s+[a-z]{3,})(?:\\s+[a-z]{2,})+$");
    private static final Pattern SIZING = Pattern.compile("\\\\(left|right|bigl|bigr|Bigl|Bigr|big|Big)(?![a-zA-Z])");
    private static final Pattern THOUSANDS_BANG = Pattern.compile(",\\\\!\\s*");
    private static final Pattern SPACING = Pattern.compile("(?<!\\\\)\\\\[,;: ]|~|\\\\q?quad");
    private static final Pattern DEGREE = Pattern.compile("\\^\\s*\\{?\\s*\\\\circ\\s*\\}?");
    private static final Pattern EMPTY_SET = Pattern.compile("^\\\\\\{\\s*\\\\\\}$|^\\{\\s*\\}$");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern BARE_SQRT = Pattern.compile("\\\\sqrt\\s*([0-9a-zA-Z])");
    private static final Pattern UNIT_POWER = Pattern.compile("\\s*\\^\\s*\\{?[23]\\}?");
    private static final Pattern SPACED_THOUSANDS = Pattern.compile("^-?\\d{1,3}( \\d{3})+(\\.\\d+)?$");
    private static final Pattern REPEATING = Pattern.compile("(\\d*)\\.(\\d*)\\\\overline\\{(\\d+)\\}");
    private static final Pattern INFINITY_WORD = Pattern.compile("(?<![A-Za-z\\\\])(?:infinity|inf)(?![A-Za-z])");
    private static final Pattern BARE_FUNCTION = Pattern.compile(
            "(?<![A-Za-z\\\\])(sqrt|sin|cos|tan|cot|sec|csc|arcsin|arccos|arctan|ln|log|exp|pi)(?![A-Za-z])");
    private static final Pattern AND_OR = Pattern.compile("(?<=\\S)\\s+(?:and|or)\\s+(?=\\S)");
    private static final Pattern THOUSANDS = Pattern.compile("^-?\\d{1,3}(,\\d{3})+(\\.\\d+)?$");
    private static final Pattern BASE_SUBSCRIPT = Pattern.compile("^(\\d+)\\s*_\\s*\\{?\\s*\\d+\\s*\\}?$");
    private static final Pattern MIXED_FRAC = Pattern.compile("^(-?)(\\d+)\\s*\\\\frac\\{(\\d+)\\}\\{(\\d+)\\}$");
    private static final Pattern MIXED_SLASH = Pattern.compile("^(-?)(\\d+)\\s+(\\d+)\\s*/\\s*(\\d+)$");
    private static final Pattern CHOICE = Pattern.compile("^\\(?\\s*([A-Ea-e])\\s*\\)$");
    private static final Pattern SET_MEMBER_PREFIX = Pattern.compile("^[A-Za-z]\\s*\\\\in\\s*");
    private static final Pattern WORDS = Pattern.compile("^[A-Za-z]+(?:[ '-][A-Za-z]+)*$");
    private static final Pattern LONG_WORD = Pattern.compile("[A-Za-z]{2,}");

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
                .replace("\\langle", "(").replace("\\rangle", ")") // vectors written <1, 2, 3>
                .replace("\\varnothing", "\\emptyset");
        s = SIZING.matcher(s).replaceAll("");
        s = THOUSANDS_BANG.matcher(s).replaceAll(","); // 10,\!080: a thousands separator
        s = SPACING.matcher(s.replace("\\!", "")).replaceAll(" ");
        s = DEGREE.matcher(s).replaceAll("").replace("\\circ", "").replace("\\degree", "");
        s = s.replace("\\%", "").replace("%", "");
        s = approximations(s).replace("\\mathbb{R}", "(-\\infty,\\infty)").replace("\\mathbb R", "(-\\infty,\\infty)");
        s = texts(s);
        s = INFINITY_WORD.matcher(s).replaceAll("\\\\infty");
        s = BARE_FUNCTION.matcher(s).replaceAll("\\\\$1"); // sqrt(2), sin x, pi written as plain text
        s = AND_OR.matcher(s).replaceAll(", ");
        s = WHITESPACE.matcher(s).replaceAll(" ").strip();
        s = stripTrailingPunctuation(s);
        Matcher unit = TRAILING_UNIT.matcher(s);
        if (unit.matches() || (unit = NUMBER_LETTER_UNIT.matcher(s)).matches()
                || (unit = VALUE_THEN_WORDS.matcher(s)).matches()) s = unit.group(1).strip();
        s = SET_MEMBER_PREFIX.matcher(s).replaceFirst("");
        s = BARE_SQRT.matcher(s).replaceAll("\\\\sqrt{$1}");
        s = Latex.braceArguments(s, "\\frac", 2);
        s = Latex.braceArguments(s, "\\binom", 2);
        if (EMPTY_SET.matcher(s).matches()) s = "\\emptyset";
        if (THOUSANDS.matcher(s).matches()) s = s.replace(",", "");
        if (SPACED_THOUSANDS.matcher(s).matches()) s = s.replace(" ", "");
        s = repeatingDecimals(s);
        Matcher m;
        if ((m = BASE_SUBSCRIPT.matcher(s)).matches()) s = m.group(1);
        if ((m = MIXED_FRAC.matcher(s)).matches() || (m = MIXED_SLASH.matcher(s)).matches())
            s = m.group(1) + "(" + m.group(2) + "+\\frac{" + m.group(3) + "}{" + m.group(4) + "})";
        if ((m = CHOICE.matcher(s)).matches()) s = m.group(1).toUpperCase();
        return s;
    }

    /** x \approx 1.41 states x's value; \frac{14}{3} \approx 4.67 states an exact value and rounds it: keep the exact one. */
    private static String approximations(String s) {
        int at = Latex.indexOfCommand(s, "\\approx", 0);
        if (at < 0) return s;
        String before = s.substring(0, at).strip();
        return before.matches("[A-Za-z]") ? before + " = " + s.substring(at + "\\approx".length()) : before;
    }

    /** 0.\overline{3} → \frac{3}{9}; 1.2\overline{45} → \frac{1233}{990}: exact values of repeating decimals. */
    private static String repeatingDecimals(String s) {
        Matcher m = REPEATING.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String whole = m.group(1).isEmpty() ? "0" : m.group(1), fixed = m.group(2), cycle = m.group(3);
            BigInteger all = new BigInteger(whole + fixed + cycle), head = new BigInteger(whole + fixed);
            BigInteger numerator = all.subtract(head);
            BigInteger denominator = BigInteger.TEN.pow(cycle.length()).subtract(BigInteger.ONE).multiply(BigInteger.TEN.pow(fixed.length()));
            m.appendReplacement(out, Matcher.quoteReplacement("\\frac{" + numerator + "}{" + denominator + "}"));
        }
        return m.appendTail(out).toString();
    }

    /** The comparison key of a cleaned answer: no whitespace; words compare case-insensitively. */
    static String key(String cleaned) {
        String k = WHITESPACE.matcher(cleaned).replaceAll("");
        return isWords(cleaned) ? k.toLowerCase() : k;
    }

    /**
     * Whether a cleaned answer is plain words (east, Evelyn, no) rather than math: some word has two
     * or more letters (single letters are variables or a choice; "p - q" is math).
     */
    static boolean isWords(String cleaned) {
        return WORDS.matcher(cleaned).matches() && LONG_WORD.matcher(cleaned).find();
    }

    private static String unicode(String s) {
        return s.replace('−', '-').replace("π", "\\pi ").replace("∞", "\\infty ").replace("√", "\\sqrt")
                .replace("×", "\\times ").replace("·", "\\cdot ").replace("°", "").replace("±", "\\pm ")
                .replace("∪", "\\cup ").replace("≤", "\\le ").replace("≥", "\\ge ").replace("\u00a0", " ");
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
