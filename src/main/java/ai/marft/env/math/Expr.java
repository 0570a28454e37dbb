package ai.marft.env.math;

import org.hipparchus.complex.Complex;
import org.hipparchus.fraction.BigFraction;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed scalar math answer (the output of {@link LatexParser}). Three readings of the same tree:
 * an exact rational value when it has one, a complex double value at given variable values, and
 * Symja input text for the symbolic check.
 */
sealed interface Expr {
    /** Exact rational value, when the tree only uses rationals, + - * / and small integer powers. */
    Optional<BigFraction> exact();

    /** Complex value with the free variables bound by {@code vars} (missing ones are NaN). */
    Complex eval(Map<String, Complex> vars);

    /** The same expression in Symja's input syntax. */
    String symja();

    /** Adds the free variable names to {@code out}. */
    void variables(Set<String> out);

    /** Whether a decimal literal (an approximate value such as 3.14) occurs. */
    boolean approximate();

    /** A number literal; {@code decimal} marks literals written with a decimal point. */
    record Num(BigFraction value, boolean decimal) implements Expr {
        public Optional<BigFraction> exact() { return Optional.of(value); }
        public Complex eval(Map<String, Complex> vars) { return new Complex(value.doubleValue()); }
        public String symja() {
            return value.getDenominator().equals(BigInteger.ONE)
                    ? "(" + value.getNumerator() + ")"
                    : "(" + value.getNumerator() + "/" + value.getDenominator() + ")";
        }
        public void variables(Set<String> out) {}
        public boolean approximate() { return decimal; }
    }

    /** A free variable such as x, R or theta. */
    record Var(String name) implements Expr {
        public Optional<BigFraction> exact() { return Optional.empty(); }
        public Complex eval(Map<String, Complex> vars) { return vars.getOrDefault(name, Complex.NaN); }
        public String symja() { return "v" + name.replaceAll("[^A-Za-z0-9]", "") ; }
        public void variables(Set<String> out) { out.add(name); }
        public boolean approximate() { return false; }
    }

    /** The named constants π, e, the imaginary unit and ∞. */
    enum Const implements Expr {
        PI("Pi", new Complex(Math.PI)), E("E", new Complex(Math.E)), I("I", Complex.I),
        INFINITY("Infinity", new Complex(Double.POSITIVE_INFINITY));
        private final String symja;
        private final Complex value;
        Const(String symja, Complex value) { this.symja = symja; this.value = value; }
        public Optional<BigFraction> exact() { return Optional.empty(); }
        public Complex eval(Map<String, Complex> vars) { return value; }
        public String symja() { return symja; }
        public void variables(Set<String> out) {}
        public boolean approximate() { return false; }
    }

    /** Arithmetic: one of + - * / ^. */
    record Bin(char op, Expr left, Expr right) implements Expr {
        private static final int MAX_EXACT_EXPONENT = 512;

        public Optional<BigFraction> exact() {
            Optional<BigFraction> l = left.exact(), r = right.exact();
            if (l.isEmpty() || r.isEmpty()) return Optional.empty();
            BigFraction a = l.get(), b = r.get();
            return switch (op) {
                case '+' -> Optional.of(a.add(b));
                case '-' -> Optional.of(a.subtract(b));
                case '*' -> Optional.of(a.multiply(b));
                case '/' -> b.signum() == 0 ? Optional.empty() : Optional.of(a.divide(b));
                default -> power(a, b);
            };
        }

        private static Optional<BigFraction> power(BigFraction base, BigFraction exponent) {
            if (!exponent.isInteger()) return Optional.empty();
            BigInteger e = exponent.getNumerator();
            // bounded so that 2^(10^9) cannot stall a check
            if (e.abs().compareTo(BigInteger.valueOf(MAX_EXACT_EXPONENT)) > 0 || base.getNumerator().bitLength() > 64) return Optional.empty();
            if (base.signum() == 0 && e.signum() < 0) return Optional.empty();
            BigFraction p = base.pow(e.abs().intValue());
            return Optional.of(e.signum() < 0 ? p.reciprocal() : p);
        }

        public Complex eval(Map<String, Complex> vars) {
            Complex a = left.eval(vars), b = right.eval(vars);
            return switch (op) {
                case '+' -> a.add(b);
                case '-' -> a.subtract(b);
                case '*' -> a.multiply(b);
                case '/' -> a.divide(b);
                default -> b.getImaginary() == 0 && b.getReal() == Math.rint(b.getReal()) && Math.abs(b.getReal()) <= 1e6
                        ? a.pow((int) b.getReal()) : a.pow(b);
            };
        }

        public String symja() { return "(" + left.symja() + op + right.symja() + ")"; }
        public void variables(Set<String> out) { left.variables(out); right.variables(out); }
        public boolean approximate() { return left.approximate() || right.approximate(); }
    }

    /** Unary minus. */
    record Neg(Expr arg) implements Expr {
        public Optional<BigFraction> exact() { return arg.exact().map(BigFraction::negate); }
        public Complex eval(Map<String, Complex> vars) { return arg.eval(vars).negate(); }
        public String symja() { return "(-" + arg.symja() + ")"; }
        public void variables(Set<String> out) { arg.variables(out); }
        public boolean approximate() { return arg.approximate(); }
    }

    /** A named function of one or two arguments (sqrt, root, sin, log, abs, factorial, binom, ...). */
    record Fn(Function f, List<Expr> args) implements Expr {
        public Optional<BigFraction> exact() {
            if (f == Function.ABS) return args.getFirst().exact().map(BigFraction::abs);
            return Optional.empty();
        }
        public Complex eval(Map<String, Complex> vars) {
            Complex[] v = args.stream().map(a -> a.eval(vars)).toArray(Complex[]::new);
            return f.apply(v);
        }
        public String symja() {
            StringBuilder s = new StringBuilder(f.symja).append('(');
            for (int i = 0; i < args.size(); i++) s.append(i > 0 ? "," : "").append(args.get(i).symja());
            return s.append(')').toString();
        }
        public void variables(Set<String> out) { args.forEach(a -> a.variables(out)); }
        public boolean approximate() { return args.stream().anyMatch(Expr::approximate); }
    }
}
