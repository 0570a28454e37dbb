package ai.marft.pretrain;

import ai.marft.env.arith.ArithExpression;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * The texts of the agents' turns, right and wrong. A plan resolves the products and states what is
 * left ({@code 3 * 8 = 24, so 7 + 24 - 5}); a solution carries out steps and boxes the result
 * ({@code 7 + 24 = 31, 31 - 5 = 26, \boxed{26}}). A full solution (solo agent, or a solver
 * correcting a plan) is the plan's steps followed by the solution's.
 */
final class ArithTurns {
    private static final long[] ADDITIVE_SLIPS = {-10, -2, -1, 1, 2, 10};

    private ArithTurns() {}

    /** One stated operation; {@code result} may be wrong (a slip). */
    record Step(long left, char op, long right, long result) {
        static Step of(long left, char op, long right) {
            return new Step(left, op, right, apply(left, op, right));
        }

        String text() {
            return left + " " + op + " " + right + " = " + result;
        }
    }

    /** Terms joined by {@code +}/{@code -}, evaluated left to right. */
    record Chain(List<Long> terms, List<Character> ops) {
        Chain {
            terms = List.copyOf(terms);
            ops = List.copyOf(ops);
        }

        long value() {
            long acc = terms.getFirst();
            for (int i = 0; i < ops.size(); i++) acc = apply(acc, ops.get(i), terms.get(i + 1));
            return acc;
        }

        String text() {
            StringBuilder sb = new StringBuilder().append(terms.getFirst());
            for (int i = 0; i < ops.size(); i++) sb.append(' ').append(ops.get(i)).append(' ').append(terms.get(i + 1));
            return sb.toString();
        }
    }

    /** Product steps, then what is left to add up. */
    record Plan(List<Step> steps, Chain rest) {
        String text() {
            if (steps.isEmpty()) return rest.text();
            return String.join(", ", steps.stream().map(Step::text).toList()) + ", so " + rest.text();
        }
    }

    /** Steps, then {@code \boxed{answer}}. */
    record Solution(List<Step> steps, long answer) {
        String text() {
            StringBuilder sb = new StringBuilder();
            for (Step s : steps) sb.append(s.text()).append(", ");
            return sb.append("\\boxed{").append(answer).append('}').toString();
        }
    }

    /** {@code a op b}; throws ArithmeticException on overflow rather than wrapping. */
    static long apply(long a, char op, long b) {
        return switch (op) {
            case '+' -> Math.addExact(a, b);
            case '-' -> Math.subtractExact(a, b);
            case '*' -> Math.multiplyExact(a, b);
            default -> throw new IllegalArgumentException("operator " + op);
        };
    }

    /** The right plan: products left to right, the rest as a chain. */
    static Plan rightPlan(ArithExpression e) {
        return plan(e, -1, 0);
    }

    /** The plan with product step {@code slipAt} (or none when -1) stated as {@code slipResult}. */
    private static Plan plan(ArithExpression e, int slipAt, long slipResult) {
        List<Step> steps = new ArrayList<>();
        List<Long> terms = new ArrayList<>();
        List<Character> ops = new ArrayList<>();
        long term = e.operands().getFirst();
        for (int i = 0; i < e.ops().size(); i++) {
            char op = e.ops().get(i);
            long next = e.operands().get(i + 1);
            if (op == '*') {
                Step s = Step.of(term, op, next);
                if (steps.size() == slipAt) s = new Step(s.left(), op, s.right(), slipResult);
                steps.add(s);
                term = s.result();
            } else {
                terms.add(term);
                ops.add(op);
                term = next;
            }
        }
        terms.add(term);
        return new Plan(steps, new Chain(terms, ops));
    }

    /** Carries out a chain left to right, rightly. */
    static Solution carryOut(Chain c) {
        List<Step> steps = new ArrayList<>();
        long acc = c.terms().getFirst();
        for (int i = 0; i < c.ops().size(); i++) {
            Step s = Step.of(acc, c.ops().get(i), c.terms().get(i + 1));
            steps.add(s);
            acc = s.result();
        }
        return new Solution(steps, acc);
    }

    /** A plan's steps, then a solution's. */
    static Solution full(Plan p, Solution rest) {
        List<Step> steps = new ArrayList<>(p.steps());
        steps.addAll(rest.steps());
        return new Solution(steps, rest.answer());
    }

    /** Whether {@code kind} (a plan mistake) can be made on {@code e} so that the plan's value is wrong. */
    static boolean canMistakePlan(ArithExpression e, Mistake kind) {
        Plan right = rightPlan(e);
        return switch (kind) {
            case PRODUCT_SLIP -> !right.steps().isEmpty();
            case WRONG_ORDER -> e.ops().contains('*') && leftToRightPlan(e).rest().value() != right.rest().value();
            case SIGN_FLIP -> !right.rest().ops().isEmpty();
            default -> throw new IllegalArgumentException(kind + " is not a plan mistake");
        };
    }

    /** A wrong plan of the given kind (check {@link #canMistakePlan} first). */
    static Plan mistakePlan(ArithExpression e, Mistake kind, Random rng) {
        Plan right = rightPlan(e);
        return switch (kind) {
            case PRODUCT_SLIP -> {
                int at = rng.nextInt(right.steps().size());
                Step s = right.steps().get(at);
                TreeSet<Long> wrong = new TreeSet<>();
                for (long d : ADDITIVE_SLIPS) wrong.add(s.result() + d);
                for (long d : new long[] {s.left(), -s.left(), s.right(), -s.right()}) wrong.add(s.result() + d);
                wrong.removeIf(v -> v <= 0 || v == s.result());
                yield plan(e, at, pick(new ArrayList<>(wrong), rng));
            }
            case WRONG_ORDER -> leftToRightPlan(e);
            case SIGN_FLIP -> {
                Chain c = right.rest();
                int at = rng.nextInt(c.ops().size());
                List<Character> ops = new ArrayList<>(c.ops());
                ops.set(at, ops.get(at) == '+' ? '-' : '+');
                yield new Plan(right.steps(), new Chain(c.terms(), ops));
            }
            default -> throw new IllegalArgumentException(kind + " is not a plan mistake");
        };
    }

    /** Every operation up to the last {@code *} done left to right; the rest as a chain. */
    private static Plan leftToRightPlan(ArithExpression e) {
        int last = e.ops().lastIndexOf('*');
        List<Step> steps = new ArrayList<>();
        long acc = e.operands().getFirst();
        for (int i = 0; i <= last; i++) {
            Step s = Step.of(acc, e.ops().get(i), e.operands().get(i + 1));
            steps.add(s);
            acc = s.result();
        }
        List<Long> terms = new ArrayList<>(List.of(acc));
        terms.addAll(e.operands().subList(last + 2, e.operands().size()).stream().map(Integer::longValue).toList());
        return new Plan(steps, new Chain(terms, e.ops().subList(last + 1, e.ops().size())));
    }

    /** Whether {@code kind} (a carrying-out mistake) can be made on {@code c} with a wrong answer. */
    static boolean canMistakeSolution(Chain c, Mistake kind) {
        long value = c.value();
        return switch (kind) {
            case CHAIN_SLIP -> true;
            case RIGHT_TO_LEFT -> c.ops().size() >= 2 && rightToLeft(c).answer() != value;
            case STOP_EARLY -> c.ops().size() >= 2 && carryOut(c).steps().getFirst().result() != value;
            default -> throw new IllegalArgumentException(kind + " is not a carrying-out mistake");
        };
    }

    /** A wrong solution of the given kind (check {@link #canMistakeSolution} first). */
    static Solution mistakeSolution(Chain c, Mistake kind, Random rng) {
        return switch (kind) {
            case CHAIN_SLIP -> {
                long d = ADDITIVE_SLIPS[rng.nextInt(ADDITIVE_SLIPS.length)];
                if (c.ops().isEmpty()) yield new Solution(List.of(), c.terms().getFirst() + d);
                int at = rng.nextInt(c.ops().size());
                List<Step> steps = new ArrayList<>();
                long acc = c.terms().getFirst();
                for (int i = 0; i < c.ops().size(); i++) {
                    Step s = Step.of(acc, c.ops().get(i), c.terms().get(i + 1));
                    if (i == at) s = new Step(s.left(), s.op(), s.right(), s.result() + d);
                    steps.add(s);
                    acc = s.result();
                }
                yield new Solution(steps, acc);
            }
            case RIGHT_TO_LEFT -> rightToLeft(c);
            case STOP_EARLY -> {
                Step first = carryOut(c).steps().getFirst();
                yield new Solution(List.of(first), first.result());
            }
            default -> throw new IllegalArgumentException(kind + " is not a carrying-out mistake");
        };
    }

    private static Solution rightToLeft(Chain c) {
        List<Step> steps = new ArrayList<>();
        long acc = c.terms().getLast();
        for (int i = c.ops().size() - 1; i >= 0; i--) {
            Step s = Step.of(c.terms().get(i), c.ops().get(i), acc);
            steps.add(s);
            acc = s.result();
        }
        return new Solution(steps, acc);
    }

    static <T> T pick(List<T> options, Random rng) {
        return options.get(rng.nextInt(options.size()));
    }
}
