package jdit.model.latte;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdit.io.CheckpointException;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;
import jdit.model.dit.DitParameters;
import jdit.tensor.Shape;

/**
 * The parameter names and shapes of a Latte in the original (Vchitect) layout: DiT's, in the state-dict order of
 * {@code models/latte.py}, plus the stored frame table {@code temp_embed}. No key tells a spatial block from a
 * temporal one; only the index parity does. Also the strict check of a checkpoint against that list.
 */
public final class LatteParameters {
    private LatteParameters() {
    }

    /** Every parameter; the label table only for class-conditional configs. */
    public static LinkedHashMap<String, Shape> originalLayout(LatteConfig c) {
        LinkedHashMap<String, Shape> m = new LinkedHashMap<>();
        Map<String, Shape> dit = DitParameters.originalLayout(c.toDit());
        m.put("pos_embed", dit.get("pos_embed"));
        m.put("temp_embed", Shape.of(1, c.numFrames(), c.hiddenSize()));
        m.putAll(dit);
        return m;
    }

    /**
     * Fails unless {@code store} holds exactly the parameters of {@code c} with their shapes: a missing key, a
     * misshaped key (named with both shapes) or keys the config does not explain (for example a text-conditioned
     * Latte's projection, or a label table given to an unconditional config) each raise a {@link CheckpointException}.
     */
    public static void check(WeightStore store, LatteConfig c) {
        Map<String, Shape> expected = originalLayout(c);
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            String key = e.getKey();
            TensorEntry stored = store.entry(key).orElseThrow(() -> new CheckpointException(store.source(),
                    "missing key '" + key + "'" + (key.equals("x_embedder.proj.weight")
                            && store.entry("pos_embed.proj.weight").isPresent() ? " (diffusers layout; Latte is read in"
                            + " the original layout only)" : "")));
            if (!stored.shape().equals(e.getValue())) {
                throw new CheckpointException(store.source(), "key '" + key + "' has shape " + stored.shape()
                        + ", the config expects " + e.getValue());
            }
        }
        List<String> extra = new ArrayList<>();
        for (TensorEntry e : store.entries()) {
            if (!expected.containsKey(e.name())) {
                extra.add("'" + e.name() + "'");
            }
        }
        if (!extra.isEmpty()) {
            throw new CheckpointException(store.source(), extra.size() + " key(s) this Latte config has no place for: "
                    + String.join(", ", extra.subList(0, Math.min(5, extra.size()))) + (extra.size() > 5 ? ", ..." : ""));
        }
    }
}
