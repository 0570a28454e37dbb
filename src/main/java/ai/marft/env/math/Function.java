package ai.marft.env.math;

import org.hipparchus.complex.Complex;

/** The functions an answer may use, with their complex-double value and their Symja name. */
enum Function {
    SQRT("Sqrt", 1), ROOT("Surd", 2), // ROOT args: radicand, index
    SIN("Sin", 1), COS("Cos", 1), TAN("Tan", 1), COT("Cot", 1), SEC("Sec", 1), CSC("Csc", 1),
    ARCSIN("ArcSin", 1), ARCCOS("ArcCos", 1), ARCTAN("ArcTan", 1),
    LN("Log", 1), LOG_BASE("Log", 2), // LOG_BASE args: base, argument (Symja's order)
    EXP("Exp", 1), ABS("Abs", 1), FACTORIAL("Factorial", 1), BINOMIAL("Binomial", 2);

    final String symja;
    final int arity;

    Function(String symja, int arity) {
        this.symja = symja;
        this.arity = arity;
    }

    Complex apply(Complex[] a) {
        Complex x = a[0];
        return switch (this) {
            case SQRT -> x.sqrt();
            case ROOT -> realRoot(x, a[1]);
            case SIN -> x.sin();
            case COS -> x.cos();
            case TAN -> x.tan();
            case COT -> x.tan().reciprocal();
            case SEC -> x.cos().reciprocal();
            case CSC -> x.sin().reciprocal();
            case ARCSIN -> x.asin();
            case ARCCOS -> x.acos();
            case ARCTAN -> x.atan();
            case LN -> x.log();
            case LOG_BASE -> a[1].log().divide(x.log());
            case EXP -> x.exp();
            case ABS -> x.abs();
            case FACTORIAL -> factorial(x);
            case BINOMIAL -> factorial(x).divide(factorial(a[1]).multiply(factorial(x.subtract(a[1]))));
        };
    }

    /** The real n-th root of a negative real for odd n (as \sqrt[3]{-8} = -2 is meant), else the principal root. */
    private static Complex realRoot(Complex x, Complex n) {
        boolean oddIndex = n.getImaginary() == 0 && n.getReal() == Math.rint(n.getReal()) && Math.abs(n.getReal()) % 2 == 1;
        if (oddIndex && x.getImaginary() == 0 && x.getReal() < 0) return new Complex(-Math.pow(-x.getReal(), 1 / n.getReal()));
        return x.pow(n.reciprocal());
    }

    private static Complex factorial(Complex x) {
        double n = x.getReal();
        if (x.getImaginary() != 0 || n != Math.rint(n) || n < 0 || n > 170) return Complex.NaN;
        double p = 1;
        for (int k = 2; k <= n; k++) p *= k;
        return new Complex(p);
    }
}
