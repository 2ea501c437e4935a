package jdit.backend.ref;

import jdit.backend.BinaryOp;
import jdit.backend.UnaryOp;

/** The element functions in double precision, written from their definitions: the oracle for every backend. */
public final class ReferenceMath {
    private ReferenceMath() {
    }

    public static double unary(UnaryOp op, double x) {
        return switch (op) {
            case IDENTITY -> x;
            case RELU -> Math.max(x, 0);
            case EXP -> Math.exp(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case SILU -> x / (1 + Math.exp(-x));
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case GELU_ERF -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
        };
    }

    public static double binary(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }

    /** erf to about 1e-14: Maclaurin series below 3, the erfc continued fraction above. */
    public static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 3) {
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
                term *= -ax * ax / n;
                sum += term / (2 * n + 1);
            }
            return Math.copySign(2 / Math.sqrt(Math.PI) * sum, x);
        }
        double cf = ax;
        for (int k = 60; k >= 1; k--) {
            cf = ax + (k / 2.0) / cf;
        }
        double erfc = Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * cf);
        return Math.copySign(1 - erfc, x);
    }
}
