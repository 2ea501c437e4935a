package jdit.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** PSNR and SSIM against closed forms and against a direct (non-separable, index-by-index) re-computation. */
class FidelityTest {
    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 255);
        }
        return x;
    }

    @Test
    void psnrOfAConstantOffsetIsTheClosedForm() {
        float[] a = random(500, 1);
        float[] b = a.clone();
        for (int i = 0; i < b.length; i++) {
            b[i] += 2f;
        }
        // MSE 4 (up to float rounding of a + 2): 10·log10(255² / 4) = 42.11 dB
        assertEquals(10 * Math.log10(255.0 * 255 / 4), Fidelity.psnr(a, b, 255), 1e-4);
        assertEquals(Double.POSITIVE_INFINITY, Fidelity.psnr(a, a.clone(), 255));
    }

    @Test
    void ssimOfConstantPlanesIsTheLuminanceTerm() {
        float[] a = new float[7 * 9];
        float[] b = new float[7 * 9];
        java.util.Arrays.fill(a, 100f);
        java.util.Arrays.fill(b, 120f);
        double c1 = Math.pow(0.01 * 255, 2);
        assertEquals((2 * 100.0 * 120 + c1) / (100.0 * 100 + 120.0 * 120 + c1), Fidelity.ssim(a, b, 1, 7, 9, 255), 1e-12);
        assertEquals(1.0, Fidelity.ssim(a, a.clone(), 1, 7, 9, 255), 1e-12);
    }

    @Test
    void ssimEqualsADirectTwoDimensionalWindow() {
        int planes = 2, h = 13, w = 17;
        float[] a = random(planes * h * w, 2);
        float[] b = a.clone();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < b.length; i++) {
            b[i] += (float) (r.nextGaussian() * 20);
        }
        assertEquals(direct(a, b, planes, h, w, 255), Fidelity.ssim(a, b, planes, h, w, 255), 1e-10);
    }

    @Test
    void mismatchedInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Fidelity.psnr(new float[3], new float[4], 255));
        assertThrows(IllegalArgumentException.class, () -> Fidelity.ssim(new float[12], new float[12], 2, 2, 2, 255));
    }

    /** The SSIM map mean with each pixel's 11x11 window summed directly, weights g(dy)·g(dx), reflect-101 indices. */
    private static double direct(float[] a, float[] b, int planes, int h, int w, double range) {
        double[] g = new double[11];
        double gs = 0;
        for (int i = 0; i < 11; i++) {
            g[i] = Math.exp(-(i - 5) * (i - 5) / (2 * 1.5 * 1.5));
            gs += g[i];
        }
        double c1 = Math.pow(0.01 * range, 2);
        double c2 = Math.pow(0.03 * range, 2);
        double total = 0;
        for (int p = 0; p < planes; p++) {
            double sum = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double ma = 0, mb = 0, aa = 0, bb = 0, ab = 0;
                    for (int dy = -5; dy <= 5; dy++) {
                        for (int dx = -5; dx <= 5; dx++) {
                            double wt = g[dy + 5] / gs * g[dx + 5] / gs;
                            int i = p * h * w + reflect(y + dy, h) * w + reflect(x + dx, w);
                            ma += wt * a[i];
                            mb += wt * b[i];
                            aa += wt * a[i] * a[i];
                            bb += wt * b[i] * b[i];
                            ab += wt * a[i] * b[i];
                        }
                    }
                    sum += (2 * ma * mb + c1) * (2 * (ab - ma * mb) + c2)
                            / ((ma * ma + mb * mb + c1) * (aa - ma * ma + bb - mb * mb + c2));
                }
            }
            total += sum / (h * w);
        }
        return total / planes;
    }

    private static int reflect(int i, int n) {
        while (i < 0 || i >= n) {
            i = i < 0 ? -i : 2 * n - 2 - i;
        }
        return i;
    }
}
