package ai.marft.env.arith;

import ai.marft.env.Problem;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of arith problems. The grammar (README "The arith task"), drawn in this order:
 * <ol>
 *   <li>number of operands n: 3 or 4, each with probability 1/2;</li>
 *   <li>where the {@code *} go (operator slots 0..n-2): for n = 3 one {@code *} in slot 0 or 1
 *       (1/2 each); for n = 4, with probability 1/2 two {@code *} in slots 0 and 2
 *       ({@code a * b ± c * d}), else one {@code *} in slot 0, 1 or 2 (1/3 each);</li>
 *   <li>every other slot: {@code +} or {@code -}, 1/2 each;</li>
 *   <li>operands: independent, uniform integers in [1, 9].</li>
 * </ol>
 * So there is always at least one {@code *} and one {@code +}/{@code -}, never two {@code *} in a
 * row; answers lie in [-89, 162]. Same seed, same problems (java.util.Random).
 */
public final class ArithGenerator {
    public static final int MIN_OPERAND = 1;
    public static final int MAX_OPERAND = 9;

    private final Random rng;

    public ArithGenerator(long seed) {
        this.rng = new Random(seed);
    }

    /** The next problem's structure. */
    public ArithExpression nextExpression() {
        int n = rng.nextBoolean() ? 3 : 4;
        boolean[] star = new boolean[n - 1];
        if (n == 3) {
            star[rng.nextInt(2)] = true;
        } else if (rng.nextBoolean()) {
            star[0] = true;
            star[2] = true;
        } else {
            star[rng.nextInt(3)] = true;
        }
        List<Character> ops = new ArrayList<>(n - 1);
        for (boolean s : star) ops.add(s ? '*' : rng.nextBoolean() ? '+' : '-');
        List<Integer> operands = new ArrayList<>(n);
        for (int i = 0; i < n; i++) operands.add(MIN_OPERAND + rng.nextInt(MAX_OPERAND - MIN_OPERAND + 1));
        return new ArithExpression(operands, ops);
    }

    /** The next problem in the MARFT form: text and the integer answer as a string. */
    public Problem next() {
        ArithExpression e = nextExpression();
        return new Problem(e.problem(), Long.toString(e.value()));
    }

    /** The next {@code n} problems. */
    public List<Problem> generate(int n) {
        List<Problem> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(next());
        return out;
    }
}
