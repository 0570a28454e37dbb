package ai.marft.env.math;

import org.hipparchus.fraction.BigFraction;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses one scalar answer written in LaTeX or plain text ({@code \frac{3}{4}}, {@code 2\sqrt{3}},
 * {@code 3R^2}, {@code (a+5)(b+2)}, {@code 6-5i}, {@code 1.5e3}) into an {@link Expr}.
 * Single letters are variables (xy = x·y) except {@code e} (Euler's number) and {@code i} (imaginary
 * unit); {@code \log} without a base is the natural logarithm. Input it cannot read raises
 * {@link NotParsable}. Expects text already cleaned by {@link AnswerNormalizer}.
 */
final class LatexParser {
    /** The text is not a scalar expression this parser understands. */
    static final class NotParsable extends RuntimeException {
        NotParsable(String message) { super(message, null, false, false); }
    }

    private static final Map<String, Function> FUNCTIONS = Map.ofEntries(
            Map.entry("sin", Function.SIN), Map.entry("cos", Function.COS), Map.entry("tan", Function.TAN),
            Map.entry("cot", Function.COT), Map.entry("sec", Function.SEC), Map.entry("csc", Function.CSC),
            Map.entry("arcsin", Function.ARCSIN), Map.entry("arccos", Function.ARCCOS), Map.entry("arctan", Function.ARCTAN),
            Map.entry("ln", Function.LN), Map.entry("log", Function.LN), Map.entry("exp", Function.EXP));
    private static final Map<Function, Function> INVERSES = Map.of(
            Function.SIN, Function.ARCSIN, Function.COS, Function.ARCCOS, Function.TAN, Function.ARCTAN);
    private static final Set<String> GREEK = Set.of("alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta",
            "eta", "theta", "vartheta", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "varphi",
            "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Sigma", "Phi", "Psi", "Omega");

    private final List<String> tokens;
    private int pos;
    private int absDepth;

    private LatexParser(List<String> tokens) { this.tokens = tokens; }

    /** Parses {@code text} as one scalar expression. */
    static Expr parse(String text) {
        LatexParser p = new LatexParser(tokenize(text));
        if (p.tokens.isEmpty()) throw new NotParsable("empty");
        Expr e = p.expression();
        if (p.pos < p.tokens.size()) throw new NotParsable("unexpected '" + p.tokens.get(p.pos) + "'");
        return e;
    }

    static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0, n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) { i++; continue; }
            int start = i;
            if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1)))) {
                while (i < n && Character.isDigit(s.charAt(i))) i++;
                if (i < n && s.charAt(i) == '.') { i++; while (i < n && Character.isDigit(s.charAt(i))) i++; }
                // scientific notation written as 1.5e3 / 2E-4 (a digit must follow the exponent sign)
                if (i + 1 < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                    int j = i + 1;
                    if (s.charAt(j) == '+' || s.charAt(j) == '-') j++;
                    if (j < n && Character.isDigit(s.charAt(j))) { i = j; while (i < n && Character.isDigit(s.charAt(i))) i++; }
                }
            } else if (c == '\\') {
                i++;
                if (i < n && Character.isLetter(s.charAt(i))) while (i < n && Character.isLetter(s.charAt(i))) i++;
                else i++;
            } else {
                i++;
            }
            out.add(s.substring(start, Math.min(i, n)));
        }
        return out;
    }

    // ---- grammar: expression := term (('+'|'-') term)* ; term := unary ((op | implicit) unary)* ----

    private Expr expression() {
        Expr e = term();
        while (peekIs("+") || peekIs("-")) {
            char op = next().charAt(0);
            e = new Expr.Bin(op, e, term());
        }
        return e;
    }

    private Expr term() {
        Expr e = unary();
        while (true) {
            String t = peek();
            if (t == null) return e;
            if (t.equals("*") || t.equals("\\cdot") || t.equals("\\times")) { next(); e = new Expr.Bin('*', e, unary()); }
            else if (t.equals("/") || t.equals("\\div")) { next(); e = new Expr.Bin('/', e, unary()); }
            else if (startsPrimary(t)) e = new Expr.Bin('*', e, power());
            else return e;
        }
    }

    private Expr unary() {
        if (peekIs("-")) { next(); return new Expr.Neg(unary()); }
        if (peekIs("+")) { next(); return unary(); }
        return power();
    }

    private Expr power() {
        Expr base = postfix();
        if (peekIs("^")) {
            next();
            return new Expr.Bin('^', base, signedArgument());
        }
        return base;
    }

    private Expr postfix() {
        Expr e = primary();
        while (peekIs("!")) { next(); e = new Expr.Fn(Function.FACTORIAL, List.of(e)); }
        return e;
    }

    /** A braced group or one primary: the argument of ^, \frac, \sqrt, \binom. */
    private Expr argument() {
        if (peekIs("{")) { next(); Expr e = expression(); expect("}"); return e; }
        return primary();
    }

    /** An exponent: x^-1 is written without braces often enough to accept it. */
    private Expr signedArgument() {
        if (!peekIs("-")) return argument();
        next();
        return new Expr.Neg(argument());
    }

    private boolean startsPrimary(String t) {
        if (t.equals("|")) return absDepth == 0;
        if (Character.isLetterOrDigit(t.charAt(0)) || t.charAt(0) == '.' || t.equals("(") || t.equals("{") || t.equals("[")) return true;
        if (!t.startsWith("\\")) return false;
        String name = t.substring(1);
        return FUNCTIONS.containsKey(name) || GREEK.contains(name) || Set.of("frac", "sqrt", "pi", "infty", "binom").contains(name);
    }

    private Expr primary() {
        String t = next();
        if (t == null) throw new NotParsable("unexpected end");
        char c = t.charAt(0);
        if (Character.isDigit(c) || c == '.') return number(t);
        if (Character.isLetter(c)) return letter(t);
        switch (t) {
            case "(" -> { Expr e = expression(); expect(")"); return e; }
            case "[" -> { Expr e = expression(); expect("]"); return e; }
            case "{" -> { Expr e = expression(); expect("}"); return e; }
            case "|" -> { absDepth++; Expr e = expression(); expect("|"); absDepth--; return new Expr.Fn(Function.ABS, List.of(e)); }
            default -> { }
        }
        if (!t.startsWith("\\")) throw new NotParsable("unexpected '" + t + "'");
        String name = t.substring(1);
        switch (name) {
            case "pi": return Expr.Const.PI;
            case "infty": return Expr.Const.INFINITY;
            case "frac": { Expr num = argument(); Expr den = argument(); return new Expr.Bin('/', num, den); }
            case "binom": { Expr n = argument(); Expr k = argument(); return new Expr.Fn(Function.BINOMIAL, List.of(n, k)); }
            case "sqrt": {
                if (peekIs("[")) { next(); Expr index = expression(); expect("]"); return new Expr.Fn(Function.ROOT, List.of(argument(), index)); }
                return new Expr.Fn(Function.SQRT, List.of(argument()));
            }
            default: break;
        }
        if (GREEK.contains(name)) return new Expr.Var(name);
        Function f = FUNCTIONS.get(name);
        if (f == null) throw new NotParsable("unknown command " + t);
        return function(f);
    }

    /** \sin x, \sin^2 x (power of the value), \sin^{-1} x (inverse), \log_2 8, \sin(2x). */
    private Expr function(Function f) {
        Expr base = null, power = null;
        if (f == Function.LN && peekIs("_")) { next(); base = argument(); }
        if (peekIs("^")) {
            next();
            power = signedArgument();
            if (power instanceof Expr.Neg(Expr.Num(var v, var d)) && v.equals(BigFraction.ONE) && INVERSES.containsKey(f)) {
                f = INVERSES.get(f);
                power = null;
            }
        }
        Expr arg;
        if (peekIs("(")) { next(); arg = expression(); expect(")"); }
        else {
            // an unparenthesised argument: a product of powers, stopping before + - and other functions
            arg = power();
            while (peek() != null && startsPrimary(peek()) && !isFunction(peek())) arg = new Expr.Bin('*', arg, power());
        }
        Expr value = base == null ? new Expr.Fn(f, List.of(arg)) : new Expr.Fn(Function.LOG_BASE, List.of(base, arg));
        return power == null ? value : new Expr.Bin('^', value, power);
    }

    private static boolean isFunction(String t) { return t.startsWith("\\") && FUNCTIONS.containsKey(t.substring(1)); }

    private Expr letter(String t) {
        String name = t;
        if (peekIs("_")) { // subscripted variable a_1, a_{12}
            next();
            String sub = next();
            if ("{".equals(sub)) {
                StringBuilder b = new StringBuilder();
                while (peek() != null && !peekIs("}")) b.append(next());
                expect("}");
                sub = b.toString();
            }
            if (sub == null) throw new NotParsable("subscript missing");
            return new Expr.Var(name + "_" + sub);
        }
        return switch (name) {
            case "e" -> Expr.Const.E;
            case "i" -> Expr.Const.I;
            default -> new Expr.Var(name);
        };
    }

    private static Expr number(String t) {
        try {
            BigDecimal d = new BigDecimal(t.startsWith(".") ? "0" + t : t.endsWith(".") ? t + "0" : t);
            boolean decimal = t.contains(".") || t.contains("e") || t.contains("E");
            BigFraction f = d.scale() > 0
                    ? new BigFraction(d.unscaledValue(), java.math.BigInteger.TEN.pow(d.scale()))
                    : new BigFraction(d.toBigIntegerExact());
            return new Expr.Num(f, decimal);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new NotParsable("bad number " + t);
        }
    }

    private String peek() { return pos < tokens.size() ? tokens.get(pos) : null; }

    private boolean peekIs(String s) { return s.equals(peek()); }

    private String next() { return pos < tokens.size() ? tokens.get(pos++) : null; }

    private void expect(String s) {
        if (!s.equals(next())) throw new NotParsable("expected '" + s + "'");
    }
}
