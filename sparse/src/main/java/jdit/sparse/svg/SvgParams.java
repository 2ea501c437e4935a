package jdit.sparse.svg;

/**
 * Sparse VideoGen's parameters, with the defaults of its Wan2.1 text-to-video script: the attention density budget
 * {@code s} (0.30; despite the code's name "sparsity" it is the kept fraction), the fraction of steps and of layers
 * kept dense first (0.2 and 0.03: {@code floor(fraction · count)} of them), the number of profiled query rows (64)
 * drawn from the first {@code maxRow} rows (10,000), and the seed of that draw. Spelled
 * {@code svg[:s=0.3,steps=0.2,layers=0.03,rows=64,maxrow=10000,seed=0]}.
 */
public record SvgParams(double sparsity, double denseSteps, double denseLayers, int sampledRows, int maxRow, long seed) {
    public SvgParams {
        if (!(sparsity > 0 && sparsity <= 1) || denseSteps < 0 || denseSteps > 1 || denseLayers < 0 || denseLayers > 1
                || sampledRows < 1 || maxRow < 1) {
            throw new IllegalArgumentException("invalid svg parameters: s " + sparsity + " (0, 1], steps " + denseSteps
                    + " and layers " + denseLayers + " [0, 1], rows " + sampledRows + " and maxrow " + maxRow + " >= 1");
        }
    }

    public static SvgParams wanT2v() {
        return new SvgParams(0.30, 0.2, 0.03, 64, 10_000, 0);
    }

    public static SvgParams parse(String spec) {
        SvgParams p = wanT2v();
        double s = p.sparsity, steps = p.denseSteps, layers = p.denseLayers;
        int rows = p.sampledRows, maxRow = p.maxRow;
        long seed = p.seed;
        if (!spec.isBlank()) {
            for (String part : spec.split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("svg parameters are s, steps, layers, rows, maxrow, seed as NAME=VALUE; got '" + part + "'");
                }
                try {
                    switch (kv[0].trim()) {
                        case "s" -> s = Double.parseDouble(kv[1]);
                        case "steps" -> steps = Double.parseDouble(kv[1]);
                        case "layers" -> layers = Double.parseDouble(kv[1]);
                        case "rows" -> rows = Integer.parseInt(kv[1]);
                        case "maxrow" -> maxRow = Integer.parseInt(kv[1]);
                        case "seed" -> seed = Long.parseLong(kv[1]);
                        default -> throw new IllegalArgumentException("unknown svg parameter '" + kv[0] + "' (known: s, steps, layers, rows, maxrow, seed)");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad svg parameter '" + part + "'", e);
                }
            }
        }
        return new SvgParams(s, steps, layers, rows, maxRow, seed);
    }

    /** Band half-width in frames for F frames of P tokens and no text: {@code L·(1 − sqrt(1 − s)) / P}, L = F·P. */
    public double multiplierFrames(int frames, int perFrame) {
        return SvgLayout.multiplierFrames(sparsity, 0, frames, perFrame);
    }

    @Override
    public String toString() {
        return "s=" + sparsity + ",steps=" + denseSteps + ",layers=" + denseLayers + ",rows=" + sampledRows + ",maxrow=" + maxRow
                + ",seed=" + seed;
    }
}
