package jdit.profile;

/**
 * How far a result moved from a reference, in double precision: PSNR over all samples, and SSIM as Wang et al. 2004
 * with OpenCV's quality module's choices (11x11 Gaussian window of sigma 1.5, reflect-101 borders, the mean of the
 * SSIM map over the whole plane, K1 0.01 and K2 0.03 of the data range), so that it agrees with {@code jdit compare}.
 * Values are in a known range [0, range].
 */
public final class Fidelity {
    private static final int WINDOW = 11;
    private static final double SIGMA = 1.5;
    private static final double[] KERNEL = gaussian();

    private Fidelity() {
    }

    /** 10·log10(range² / MSE); positive infinity when identical. */
    public static double psnr(float[] reference, float[] x, double range) {
        check(reference, x);
        double se = 0;
        for (int i = 0; i < reference.length; i++) {
            double d = (double) reference[i] - x[i];
            se += d * d;
        }
        double mse = se / reference.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(range * range / mse);
    }

    /** Mean SSIM of {@code planes} planes of height x width, laid out one after another; 1 when identical. */
    public static double ssim(float[] reference, float[] x, int planes, int height, int width, double range) {
        check(reference, x);
        if ((long) planes * height * width != reference.length) {
            throw new IllegalArgumentException(planes + " planes of " + height + "x" + width + " are not " + reference.length + " samples");
        }
        double c1 = Math.pow(0.01 * range, 2);
        double c2 = Math.pow(0.03 * range, 2);
        int n = height * width;
        double sum = 0;
        double[] a = new double[n];
        double[] b = new double[n];
        double[] prod = new double[n];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < n; i++) {
                a[i] = reference[p * n + i];
                b[i] = x[p * n + i];
            }
            double[] muA = blur(a, height, width);
            double[] muB = blur(b, height, width);
            for (int i = 0; i < n; i++) {
                prod[i] = a[i] * a[i];
            }
            double[] aa = blur(prod, height, width);
            for (int i = 0; i < n; i++) {
                prod[i] = b[i] * b[i];
            }
            double[] bb = blur(prod, height, width);
            for (int i = 0; i < n; i++) {
                prod[i] = a[i] * b[i];
            }
            double[] ab = blur(prod, height, width);
            double planeSum = 0;
            for (int i = 0; i < n; i++) {
                double varA = aa[i] - muA[i] * muA[i];
                double varB = bb[i] - muB[i] * muB[i];
                double cov = ab[i] - muA[i] * muB[i];
                planeSum += (2 * muA[i] * muB[i] + c1) * (2 * cov + c2)
                        / ((muA[i] * muA[i] + muB[i] * muB[i] + c1) * (varA + varB + c2));
            }
            sum += planeSum / n;
        }
        return sum / planes;
    }

    /** The separable Gaussian blur with reflect-101 borders (…2 1 | 0 1 2 … n-1 | n-2 …). */
    static double[] blur(double[] src, int height, int width) {
        double[] rows = new double[src.length];
        int r = WINDOW / 2;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double s = 0;
                for (int k = -r; k <= r; k++) {
                    s += KERNEL[k + r] * src[y * width + reflect(x + k, width)];
                }
                rows[y * width + x] = s;
            }
        }
        double[] out = new double[src.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double s = 0;
                for (int k = -r; k <= r; k++) {
                    s += KERNEL[k + r] * rows[reflect(y + k, height) * width + x];
                }
                out[y * width + x] = s;
            }
        }
        return out;
    }

    private static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        while (i < 0 || i >= n) {
            i = i < 0 ? -i : 2 * n - 2 - i;
        }
        return i;
    }

    private static double[] gaussian() {
        double[] k = new double[WINDOW];
        double sum = 0;
        for (int i = 0; i < WINDOW; i++) {
            double d = i - WINDOW / 2;
            k[i] = Math.exp(-d * d / (2 * SIGMA * SIGMA));
            sum += k[i];
        }
        for (int i = 0; i < WINDOW; i++) {
            k[i] /= sum;
        }
        return k;
    }

    private static void check(float[] reference, float[] x) {
        if (reference.length != x.length || reference.length == 0) {
            throw new IllegalArgumentException("compared results differ in size or are empty: " + reference.length + " and " + x.length);
        }
    }
}
