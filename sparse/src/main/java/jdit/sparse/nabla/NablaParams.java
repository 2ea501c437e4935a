package jdit.sparse.nabla;

import java.util.Optional;
import jdit.sparse.sta.StaWindow;

/**
 * NABLA's parameters: the cumulative-mass threshold (default 0.7, the Wan code's {@code nabla-0.7}) and an optional
 * sliding-tile window united with the selected blocks. Spelled {@code thr=0.7,sta=11x3x3} (either part optional).
 */
public record NablaParams(double threshold, Optional<StaWindow> sta) {
    public static final double DEFAULT_THRESHOLD = 0.7;

    public NablaParams {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("NABLA's thr must be in (0, 1], got " + threshold);
        }
    }

    public static NablaParams parse(String s) {
        double thr = DEFAULT_THRESHOLD;
        Optional<StaWindow> sta = Optional.empty();
        if (!s.isBlank()) {
            for (String part : s.split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("nabla parameters are thr=T and sta=FxHxW, got '" + part + "'");
                }
                switch (kv[0].trim()) {
                    case "thr" -> thr = number(kv[1]);
                    case "sta" -> sta = Optional.of(StaWindow.parse(kv[1]));
                    default -> throw new IllegalArgumentException("unknown nabla parameter '" + kv[0] + "' (known: thr, sta)");
                }
            }
        }
        return new NablaParams(thr, sta);
    }

    private static double number(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("nabla thr must be a number, got '" + s + "'", e);
        }
    }

    @Override
    public String toString() {
        return "thr=" + threshold + sta.map(w -> ",sta=" + w).orElse("");
    }
}
