package ai.marft.env.arith;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test-side helpers written independently of the main code: an expression evaluator and a reader of turn texts. */
public final class Arith {
    private Arith() {}

    /** Evaluates {@code a op b op c ...} (integers, + - *, single spaces) with standard precedence: sum of signed products. */
    public static long eval(String expression) {
        String[] tok = expression.trim().split(" ");
        long total = 0;
        long sign = 1;
        long product = Long.parseLong(tok[0]);
        for (int i = 1; i < tok.length; i += 2) {
            long x = Long.parseLong(tok[i + 1]);
            switch (tok[i]) {
                case "*" -> product *= x;
                case "+", "-" -> {
                    total += sign * product;
                    sign = tok[i].equals("+") ? 1 : -1;
                    product = x;
                }
                default -> throw new IllegalArgumentException(tok[i]);
            }
        }
        return total + sign * product;
    }

    /** The expression inside {@code What is ...?}. */
    public static String expressionOf(String problem) {
        return problem.substring("What is ".length(), problem.length() - 1);
    }

    private static final Pattern STEP = Pattern.compile("(-?\\d+) ([-+*]) (-?\\d+) = (-?\\d+)");

    /** A stated step {@code a op b = c}. */
    public record Step(long a, char op, long b, long c) {
        public boolean isTrue() {
            return c == switch (op) {
                case '+' -> a + b;
                case '-' -> a - b;
                default -> a * b;
            };
        }
    }

    /** Reads {@code a op b = c, ...} (comma-separated steps); fails on anything else. */
    public static List<Step> steps(String text) {
        List<Step> out = new ArrayList<>();
        if (text.isEmpty()) return out;
        for (String part : text.split(", ")) {
            Matcher m = STEP.matcher(part);
            if (!m.matches()) throw new AssertionError("not a step: '" + part + "' in '" + text + "'");
            out.add(new Step(Long.parseLong(m.group(1)), m.group(2).charAt(0), Long.parseLong(m.group(3)), Long.parseLong(m.group(4))));
        }
        return out;
    }

    /** A plan {@code steps, so chain} split into its steps and the chain text. */
    public record PlanText(List<Step> steps, String chain) {}

    public static PlanText plan(String text) {
        int so = text.lastIndexOf("so ");
        if (so < 0) throw new AssertionError("plan without 'so': " + text);
        String head = text.substring(0, so);
        if (!head.endsWith(", ")) throw new AssertionError("plan steps must end with ', ': " + text);
        return new PlanText(steps(head.substring(0, head.length() - 2)), text.substring(so + 3));
    }

    /** A solution {@code steps, \boxed{N}}: its steps and N. */
    public record SolutionText(List<Step> steps, long answer) {}

    public static SolutionText solution(String text) {
        Matcher m = Pattern.compile("(?:(.*), )?\\\\boxed\\{(-?\\d+)}").matcher(text);
        if (!m.matches()) throw new AssertionError("not a solution: " + text);
        return new SolutionText(steps(m.group(1) == null ? "" : m.group(1)), Long.parseLong(m.group(2)));
    }
}
