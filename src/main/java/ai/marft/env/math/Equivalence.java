package ai.marft.env.math;

import org.hipparchus.complex.Complex;
import org.hipparchus.fraction.BigFraction;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Whether two cleaned answers mean the same thing (MARFT.md §3), cheapest test first:
 * equal spelling; then shape by shape (tuples and intervals in order with the same brackets, sets
 * and solution lists in any order, matrices cell by cell, equations up to sign); then per scalar:
 * exact rational value, numeric value (relative {@value #APPROXIMATE_TOLERANCE} when a side is
 * written with decimals, {@value #EXACT_TOLERANCE} otherwise), and for expressions with variables
 * a numeric screen at random points followed by Symja's symbolic zero test.
 */
final class Equivalence {
    static final double APPROXIMATE_TOLERANCE = 1e-4;
    static final double EXACT_TOLERANCE = 1e-9;
    private static final int RANDOM_POINTS = 4;
    private static final Pattern SIMPLE_VARIABLE = Pattern.compile("^([A-Za-z](_\\{?\\w+\\}?)?|\\\\[a-zA-Z]+)$");

    private final SymjaChecker symja;

    Equivalence(SymjaChecker symja) { this.symja = symja; }

    boolean equal(Answer a, Answer b) {
        return switch (a) {
            case Answer.Words(String x) when b instanceof Answer.Words(String y) -> AnswerNormalizer.key(x).equals(AnswerNormalizer.key(y));
            case Answer.Scalar(String x) when b instanceof Answer.Scalar(String y) -> scalars(x, y);
            case Answer.Bracketed(char o1, char c1, List<Answer> x) when b instanceof Answer.Bracketed(char o2, char c2, List<Answer> y) ->
                    o1 == o2 && c1 == c2 && inOrder(x, y);
            case Answer.Bracketed(char o, char c, List<Answer> x) when b instanceof Answer.Unordered(List<Answer> y) ->
                    o == '(' && c == ')' && inOrder(x, y); // "3, \pi/2" given for the point (3, \pi/2)
            case Answer.Unordered(List<Answer> x) when b instanceof Answer.Bracketed ->  equal(b, a);
            case Answer.Unordered(List<Answer> x) when b instanceof Answer.Unordered(List<Answer> y) -> anyOrder(x, y);
            case Answer.Matrix(List<List<Answer>> x) when b instanceof Answer.Matrix(List<List<Answer>> y) -> matrices(x, y);
            case Answer.Matrix(List<List<Answer>> x) when b instanceof Answer.Bracketed(char o, char c, List<Answer> y) ->
                    o == '(' && c == ')' && inOrder(column(x), y); // a column vector written as a tuple
            case Answer.Bracketed ignored when b instanceof Answer.Matrix -> equal(b, a);
            case Answer.Equation(String l1, String r1) when b instanceof Answer.Equation(String l2, String r2) -> equations(l1, r1, l2, r2);
            case Answer.Equation(String l, String r) when SIMPLE_VARIABLE.matcher(l).matches() -> equal(Answer.of(r), b); // x = 5 vs 5
            case Answer.Equation ignored -> false;
            default -> b instanceof Answer.Equation(String l, String r) && SIMPLE_VARIABLE.matcher(l).matches() && equal(a, Answer.of(r));
        };
    }

    private boolean inOrder(List<Answer> x, List<Answer> y) {
        if (x.size() != y.size()) return false;
        for (int i = 0; i < x.size(); i++) if (!equal(x.get(i), y.get(i))) return false;
        return true;
    }

    /** A perfect matching between the two lists (they are short: backtracking is fine). */
    private boolean anyOrder(List<Answer> x, List<Answer> y) {
        return x.size() == y.size() && match(x, y, 0, new boolean[y.size()]);
    }

    private boolean match(List<Answer> x, List<Answer> y, int i, boolean[] used) {
        if (i == x.size()) return true;
        for (int j = 0; j < y.size(); j++) {
            if (used[j] || !equal(x.get(i), y.get(j))) continue;
            used[j] = true;
            if (match(x, y, i + 1, used)) return true;
            used[j] = false;
        }
        return false;
    }

    private boolean matrices(List<List<Answer>> x, List<List<Answer>> y) {
        if (x.size() != y.size()) return false;
        for (int i = 0; i < x.size(); i++) if (!inOrder(x.get(i), y.get(i))) return false;
        return true;
    }

    private static List<Answer> column(List<List<Answer>> rows) {
        return rows.stream().allMatch(r -> r.size() == 1) ? rows.stream().map(List::getFirst).toList() : List.of();
    }

    /** Same lhs: compare the right-hand sides; otherwise lhs − rhs must agree up to sign (5x+4=0 is −5x−4=0). */
    private boolean equations(String l1, String r1, String l2, String r2) {
        if (AnswerNormalizer.key(l1).equals(AnswerNormalizer.key(l2))) return equal(Answer.of(r1), Answer.of(r2));
        String d1 = "(" + l1 + ")-(" + r1 + ")", d2 = "(" + l2 + ")-(" + r2 + ")";
        return scalars(d1, d2) || scalars(d1, "-(" + d2 + ")");
    }

    boolean scalars(String x, String y) {
        if (AnswerNormalizer.key(x).equals(AnswerNormalizer.key(y))) return true;
        Expr a, b;
        try {
            a = LatexParser.parse(x);
            b = LatexParser.parse(y);
        } catch (LatexParser.NotParsable e) {
            return false;
        }
        Set<String> vars = new TreeSet<>();
        a.variables(vars);
        b.variables(vars);
        double tolerance = a.approximate() || b.approximate() ? APPROXIMATE_TOLERANCE : EXACT_TOLERANCE;
        if (vars.isEmpty()) return constants(a, b, tolerance);
        if (!agreeAtRandomPoints(a, b, vars, tolerance)) return false;
        return symja.isZero(a.symja() + "-" + b.symja());
    }

    private static boolean constants(Expr a, Expr b, double tolerance) {
        Optional<BigFraction> ea = a.exact(), eb = b.exact();
        if (ea.isPresent() && eb.isPresent() && !a.approximate() && !b.approximate()) return ea.get().equals(eb.get());
        Map<String, Complex> none = Map.of();
        return close(a.eval(none), b.eval(none), tolerance);
    }

    /** Equal within a relative tolerance; ∞ only equals ∞ of the same sign; NaN equals nothing. */
    static boolean close(Complex u, Complex v, double tolerance) {
        if (u.isNaN() || v.isNaN()) return false;
        if (u.isInfinite() || v.isInfinite())
            return u.isInfinite() && v.isInfinite() && Math.signum(u.getReal()) == Math.signum(v.getReal());
        double scale = Math.max(u.norm(), v.norm());
        return u.subtract(v).norm() <= tolerance * scale || scale < 1e-12;
    }

    /**
     * A cheap necessary condition: equal expressions agree at any point. Points where either side is
     * undefined are skipped; if no point is usable the symbolic test decides alone.
     */
    private static boolean agreeAtRandomPoints(Expr a, Expr b, Set<String> vars, double tolerance) {
        Random random = new Random(vars.hashCode()); // fixed per variable set: repeatable verdicts
        for (int k = 0; k < RANDOM_POINTS; k++) {
            Map<String, Complex> point = new HashMap<>();
            for (String v : vars) point.put(v, new Complex(0.3 + 1.7 * random.nextDouble()));
            Complex u = a.eval(point), w = b.eval(point);
            if (u.isNaN() || w.isNaN() || u.isInfinite() || w.isInfinite()) continue;
            if (!close(u, w, Math.max(tolerance, 1e-7))) return false;
        }
        return true;
    }
}
