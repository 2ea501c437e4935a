package jdit.samplers;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * IDDPM respacing as DiT uses it ({@code create_diffusion("250")}, from OpenAI's improved-diffusion
 * {@code space_timesteps}): keep a subset of the training steps, evenly strided per section, and rebuild betas so
 * the kept steps have the same cumulative alphas: {@code beta'_i = 1 - abar[t_i] / abar[t_{i-1}]}. The model
 * is still called with the original step index, {@link #timestepMap()}.
 */
public record Respacing(long[] timestepMap, double[] betas) {

    /**
     * Respaces {@code trainBetas} by {@code sectionCounts}: "250" or "10,15,20" (one count per equal section of the
     * training steps), or "ddim50" (an integer stride giving exactly 50 steps).
     */
    public static Respacing of(double[] trainBetas, String sectionCounts) {
        int n = trainBetas.length;
        if (sectionCounts.startsWith("ddim")) {
            return keep(trainBetas, ddimStride(n, Integer.parseInt(sectionCounts.substring(4))));
        }
        String[] parts = sectionCounts.split(",");
        int sections = parts.length;
        int sizePer = n / sections;
        int extra = n % sections;
        TreeSet<Integer> keep = new TreeSet<>();
        int start = 0;
        for (int s = 0; s < sections; s++) {
            int size = sizePer + (s < extra ? 1 : 0);
            int count = Integer.parseInt(parts[s].strip());
            if (count > size || count < 1) {
                throw new IllegalArgumentException("cannot take " + count + " steps from a section of " + size);
            }
            double stride = count <= 1 ? 1 : (size - 1) / (double) (count - 1);
            double cur = 0;
            for (int i = 0; i < count; i++) {
                keep.add(start + (int) Math.rint(cur)); // rint: ties to even, as Python's round()
                cur += stride;
            }
            start += size;
        }
        return keep(trainBetas, keep);
    }

    /** "ddimN": the steps 0, s, 2s, ... for the integer stride s that gives exactly N of them. */
    private static TreeSet<Integer> ddimStride(int n, int count) {
        for (int stride = 1; stride < n; stride++) {
            if ((n + stride - 1) / stride == count) {
                TreeSet<Integer> keep = new TreeSet<>();
                for (int t = 0; t < n; t += stride) {
                    keep.add(t);
                }
                return keep;
            }
        }
        throw new IllegalArgumentException("cannot create exactly " + count + " steps with an integer stride over " + n);
    }

    private static Respacing keep(double[] trainBetas, TreeSet<Integer> keep) {
        int n = trainBetas.length;
        List<Long> map = new ArrayList<>();
        List<Double> betas = new ArrayList<>();
        double abar = 1;
        double last = 1;
        for (int t = 0; t < n; t++) {
            abar *= 1 - trainBetas[t];
            if (keep.contains(t)) {
                betas.add(1 - abar / last);
                last = abar;
                map.add((long) t);
            }
        }
        return new Respacing(map.stream().mapToLong(Long::longValue).toArray(),
                betas.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Cumulative products of {@code 1 - beta} over the respaced betas. */
    double[] alphasCumprod() {
        double[] abar = new double[betas.length];
        double acc = 1;
        for (int i = 0; i < betas.length; i++) {
            acc *= 1 - betas[i];
            abar[i] = acc;
        }
        return abar;
    }

    /** The original step indices in sampling order (last kept step first), as the model is called with them. */
    double[] samplingTimesteps() {
        double[] t = new double[timestepMap.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = timestepMap[t.length - 1 - i];
        }
        return t;
    }
}
