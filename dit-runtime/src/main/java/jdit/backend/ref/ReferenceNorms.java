package jdit.backend.ref;

import jdit.backend.Norms;
import jdit.tensor.Tensor;

/** Two-pass normalisations in double. */
public final class ReferenceNorms implements Norms {
    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out) {
        long c = x.dim(-1);
        for (long r = 0; r < x.numel() / c; r++) {
            double mean = 0;
            for (long i = 0; i < c; i++) {
                mean += x.getDoubleAt(r * c + i);
            }
            mean /= c;
            double var = 0;
            for (long i = 0; i < c; i++) {
                double d = x.getDoubleAt(r * c + i) - mean;
                var += d * d;
            }
            double inv = 1 / Math.sqrt(var / c + eps);
            for (long i = 0; i < c; i++) {
                double y = (x.getDoubleAt(r * c + i) - mean) * inv;
                y = y * (weight == null ? 1 : weight.getDoubleAt(i)) + (bias == null ? 0 : bias.getDoubleAt(i));
                out.setDoubleAt(r * c + i, y);
            }
        }
    }

    @Override
    public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) {
        long c = x.dim(-1);
        for (long r = 0; r < x.numel() / c; r++) {
            double ss = 0;
            for (long i = 0; i < c; i++) {
                ss += x.getDoubleAt(r * c + i) * x.getDoubleAt(r * c + i);
            }
            double inv = 1 / Math.sqrt(ss / c + eps);
            for (long i = 0; i < c; i++) {
                out.setDoubleAt(r * c + i, x.getDoubleAt(r * c + i) * inv * (weight == null ? 1 : weight.getDoubleAt(i)));
            }
        }
    }

    @Override
    public void groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps, Tensor out) {
        long n = x.dim(0);
        long c = x.dim(1);
        long spatial = x.numel() / (n * c);
        long perGroup = c / groups;
        for (long b = 0; b < n; b++) {
            for (long g = 0; g < groups; g++) {
                long base = (b * c + g * perGroup) * spatial;
                long cnt = perGroup * spatial;
                double mean = 0;
                for (long i = 0; i < cnt; i++) {
                    mean += x.getDoubleAt(base + i);
                }
                mean /= cnt;
                double var = 0;
                for (long i = 0; i < cnt; i++) {
                    double d = x.getDoubleAt(base + i) - mean;
                    var += d * d;
                }
                double inv = 1 / Math.sqrt(var / cnt + eps);
                for (long i = 0; i < cnt; i++) {
                    long ch = g * perGroup + i / spatial;
                    double y = (x.getDoubleAt(base + i) - mean) * inv;
                    y = y * (weight == null ? 1 : weight.getDoubleAt(ch)) + (bias == null ? 0 : bias.getDoubleAt(ch));
                    out.setDoubleAt(base + i, y);
                }
            }
        }
    }
}
