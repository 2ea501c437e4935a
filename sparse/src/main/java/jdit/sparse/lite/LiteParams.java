package jdit.sparse.lite;

import java.util.ArrayList;
import java.util.List;

/**
 * LiteAttention's parameters: the threshold in log2 units (negative; one value, or one per step with the last
 * repeated: {@code thr=-8:-8:-4}), the tile side, the list semantics ({@code v020}: the public kernel's bookkeeping,
 * which keeps the first tile of every skipped run; {@code exact}: a negligible tile is dropped) and must-do token
 * ranges given as the reference does, high then low ({@code mustdo=300-70}: tiles n with 70/tile < n <=
 * ceil(300/tile) are always computed). Spelled {@code lite[:thr=-6][,tile=64][,exact][,mustdo=HI-LO;HI-LO]}.
 */
public record LiteParams(double[] thresholds, int tile, boolean exact, List<int[]> mustDo) {
    /** The README examples' threshold. */
    public static final double DEFAULT_THRESHOLD = -6;
    public static final int DEFAULT_TILE = 64;

    public LiteParams {
        thresholds = thresholds.clone();
        mustDo = List.copyOf(mustDo);
        if (thresholds.length == 0 || tile < 1) {
            throw new IllegalArgumentException("lite needs a threshold and a positive tile");
        }
        for (double t : thresholds) {
            if (!(t < 0)) {
                throw new IllegalArgumentException("lite thresholds are negative log2 bounds (e.g. thr=-6), got " + t);
            }
        }
    }

    @Override
    public double[] thresholds() {
        return thresholds.clone();
    }

    /** The threshold of step {@code step}. */
    public double threshold(int step) {
        return thresholds[Math.min(step, thresholds.length - 1)];
    }

    /** Whether must-do ranges force key tile {@code n}. */
    public boolean forced(int n) {
        for (int[] r : mustDo) {
            if (n > r[1] / tile && n <= (r[0] + tile - 1) / tile) {
                return true;
            }
        }
        return false;
    }

    public static LiteParams parse(String s) {
        double[] thr = {DEFAULT_THRESHOLD};
        int tile = DEFAULT_TILE;
        boolean exact = false;
        List<int[]> mustDo = new ArrayList<>();
        if (!s.isBlank()) {
            for (String part : s.split(",")) {
                String p = part.trim();
                if (p.equals("exact") || p.equals("v020")) {
                    exact = p.equals("exact");
                    continue;
                }
                String[] kv = p.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("lite parameters are thr=T[:T...], tile=N, exact, mustdo=HI-LO; got '" + p + "'");
                }
                try {
                    switch (kv[0]) {
                        case "thr" -> thr = java.util.Arrays.stream(kv[1].split(":")).mapToDouble(Double::parseDouble).toArray();
                        case "tile" -> tile = Integer.parseInt(kv[1]);
                        case "mustdo" -> {
                            for (String range : kv[1].split(";")) {
                                String[] hl = range.split("-");
                                mustDo.add(new int[] {Integer.parseInt(hl[0]), Integer.parseInt(hl[1])});
                            }
                        }
                        default -> throw new IllegalArgumentException("unknown lite parameter '" + kv[0] + "' (known: thr, tile, exact, mustdo)");
                    }
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                    throw new IllegalArgumentException("bad lite parameter '" + p + "'", e);
                }
            }
        }
        return new LiteParams(thr, tile, exact, mustDo);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("thr=");
        for (int i = 0; i < thresholds.length; i++) {
            sb.append(i == 0 ? "" : ":").append(thresholds[i]);
        }
        sb.append(",tile=").append(tile).append(exact ? ",exact" : ",v020");
        for (int[] r : mustDo) {
            sb.append(",mustdo=").append(r[0]).append('-').append(r[1]);
        }
        return sb.toString();
    }
}
