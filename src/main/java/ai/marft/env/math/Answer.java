package ai.marft.env.math;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The shape of a cleaned answer: a scalar, an ordered tuple or interval with its brackets, an
 * unordered collection (a set, a list of solutions, a union of intervals, the two values of ±),
 * a matrix, an equation, or words.
 */
sealed interface Answer {
    /** One expression, in cleaned LaTeX. */
    record Scalar(String latex) implements Answer {}

    /** (a, b), [a, b), (-\infty, 2]: ordered items; the brackets matter ([0,1) is not [0,1]). */
    record Bracketed(char open, char close, List<Answer> items) implements Answer {}

    /** A set, a bare comma list of solutions, a union, or a ± pair: order does not matter. */
    record Unordered(List<Answer> items) implements Answer {}

    /** pmatrix/bmatrix rows of cells. */
    record Matrix(List<List<Answer>> rows) implements Answer {}

    /** lhs = rhs, both in cleaned LaTeX. */
    record Equation(String lhs, String rhs) implements Answer {}

    /** Plain words (east, Evelyn): compared case-insensitively. */
    record Words(String text) implements Answer {}

    Pattern MATRIX = Pattern.compile("^\\\\begin\\{([pbvBV]?matrix|array)\\}(?:\\{[^}]*\\})?(.*)\\\\end\\{\\1\\}$", Pattern.DOTALL);

    /** The shape of {@code cleaned} (output of {@link AnswerNormalizer#clean}). */
    static Answer of(String cleaned) {
        String s = cleaned.strip();
        if (AnswerNormalizer.isWords(s)) return new Words(s);
        List<String> union = TopLevel.split(s, "\\cup");
        if (union.size() > 1) return new Unordered(union.stream().map(Answer::of).toList());
        var matrix = MATRIX.matcher(s);
        if (matrix.matches()) {
            List<List<Answer>> rows = new ArrayList<>();
            for (String row : TopLevel.split(matrix.group(2), "\\\\")) {
                if (row.isBlank()) continue;
                rows.add(TopLevel.split(row, "&").stream().map(c -> of(AnswerNormalizer.clean(c))).toList());
            }
            return new Matrix(rows);
        }
        if (s.startsWith("\\{") && s.endsWith("\\}") && TopLevel.encloses(s))
            return members(s.substring(2, s.length() - 2));
        if (s.length() >= 2 && "([".indexOf(s.charAt(0)) >= 0 && ")]".indexOf(s.charAt(s.length() - 1)) >= 0 && TopLevel.encloses(s)) {
            List<Answer> inside = items(s.substring(1, s.length() - 1));
            if (inside.size() > 1) return new Bracketed(s.charAt(0), s.charAt(s.length() - 1), inside);
        }
        List<String> list = TopLevel.split(s, ",");
        if (list.size() > 1) return members(s);
        List<String> sides = TopLevel.split(s, "=");
        if (sides.size() == 2) return new Equation(sides.get(0).strip(), sides.get(1).strip());
        return plusMinus(s);
    }

    private static List<Answer> items(String inside) {
        return TopLevel.split(inside, ",").stream().map(item -> of(AnswerNormalizer.clean(item))).toList();
    }

    /** Members of a set or solution list; a ± member contributes both of its values. */
    private static Unordered members(String inside) {
        List<Answer> out = new ArrayList<>();
        for (Answer a : items(inside)) {
            if (a instanceof Unordered(List<Answer> pair)) out.addAll(pair);
            else out.add(a);
        }
        return new Unordered(out);
    }

    /** a \pm b is the pair {a + b, a - b}; without ± it is a scalar. */
    private static Answer plusMinus(String s) {
        for (String pm : List.of("\\pm", "\\mp")) {
            List<String> parts = TopLevel.split(s, pm);
            if (parts.size() == 2) {
                String a = parts.get(0).strip(), b = parts.get(1).strip();
                return new Unordered(List.of(plusMinus(a + "+" + b), plusMinus(a + "-(" + b + ")")));
            }
        }
        return new Scalar(s);
    }
}
