package jdit.model.dit;

import jdit.tensor.Tensor;

/**
 * DiT arithmetic in double over plain arrays, written from the published code's formulas and nothing of jdit's: the
 * oracle of {@link SparseDitTest}. Rows are tokens, columns channels.
 */
final class DoubleDit {
    private DoubleDit() {
    }

    static double[][] rows(Tensor t, int b) {
        int n = (int) t.dim(1);
        int d = (int) t.dim(2);
        double[][] out = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                out[i][c] = t.getDouble(b, i, c);
            }
        }
        return out;
    }

    static double[] vector(Tensor t) {
        double[] out = new double[(int) t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getDoubleAt(i);
        }
        return out;
    }

    /** x · Wᵀ + bias for a PyTorch Linear weight [out, in]. */
    static double[][] linear(double[][] x, Tensor weight, Tensor bias) {
        int out = (int) weight.dim(0);
        int in = (int) weight.dim(1);
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double s = bias.getDoubleAt(o);
                for (int k = 0; k < in; k++) {
                    s += x[i][k] * weight.getDouble(o, k);
                }
                y[i][o] = s;
            }
        }
        return y;
    }

    static double[][] linear(double[] x, Tensor weight, Tensor bias) {
        return linear(new double[][] {x}, weight, bias);
    }

    static double silu(double v) {
        return v / (1 + Math.exp(-v));
    }

    static double geluTanh(double v) {
        return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
    }

    /** LayerNorm without affine (eps 1e-6), then x·(1 + scale) + shift. */
    static double[][] normModulate(double[][] x, double[] shift, double[] scale) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (double v : x[i]) {
                mean += v;
            }
            mean /= x[i].length;
            double var = 0;
            for (double v : x[i]) {
                var += (v - mean) * (v - mean);
            }
            var /= x[i].length;
            y[i] = new double[x[i].length];
            for (int c = 0; c < x[i].length; c++) {
                y[i][c] = (x[i][c] - mean) / Math.sqrt(var + 1e-6) * (1 + scale[c]) + shift[c];
            }
        }
        return y;
    }

    /** Six [D] chunks of Linear(SiLU(c)). */
    static double[][] modulation(double[] c, Tensor weight, Tensor bias) {
        double[] sc = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            sc[i] = silu(c[i]);
        }
        double[] m = linear(sc, weight, bias)[0];
        int d = c.length;
        double[][] chunks = new double[6][d];
        for (int k = 0; k < 6; k++) {
            System.arraycopy(m, k * d, chunks[k], 0, d);
        }
        return chunks;
    }

    /** Softmax attention per head of q [Nq, D] over k, v [Nk, D], scale Dh^-1/2; scores given as a function. */
    static double[][] attention(double[][] q, double[][] k, double[][] v, int heads) {
        int d = q[0].length;
        int dh = d / heads;
        double[][] out = new double[q.length][d];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < q.length; i++) {
                double[] s = new double[k.length];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < k.length; j++) {
                    double dot = 0;
                    for (int c = 0; c < dh; c++) {
                        dot += q[i][h * dh + c] * k[j][h * dh + c];
                    }
                    s[j] = dot / Math.sqrt(dh);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < k.length; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int c = 0; c < dh; c++) {
                    double o = 0;
                    for (int j = 0; j < k.length; j++) {
                        o += s[j] / sum * v[j][h * dh + c];
                    }
                    out[i][h * dh + c] = o;
                }
            }
        }
        return out;
    }

    /** x + gate · y, row by row. */
    static double[][] gated(double[][] x, double[] gate, double[][] y) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = new double[x[i].length];
            for (int c = 0; c < x[i].length; c++) {
                out[i][c] = x[i][c] + gate[c] * y[i % y.length][c];
            }
        }
        return out;
    }

    /** The adaLN-Zero MLP residual: x + gate_mlp · fc2(GELU(fc1(LN(x)(1 + scale_mlp) + shift_mlp))). */
    static double[][] mlpResidual(double[][] x, double[][] m, DitWeights.Block w) {
        double[][] h = linear(normModulate(x, m[3], m[4]), w.fc1Weight(), w.fc1Bias());
        for (double[] row : h) {
            for (int c = 0; c < row.length; c++) {
                row[c] = geluTanh(row[c]);
            }
        }
        return gated(x, m[5], linear(h, w.fc2Weight(), w.fc2Bias()));
    }

    /** Columns [from, from + n) of every row. */
    static double[][] columns(double[][] x, int from, int n) {
        double[][] out = new double[x.length][n];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x[i], from, out[i], 0, n);
        }
        return out;
    }
}
