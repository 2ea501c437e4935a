package jdit.model;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;
import jdit.io.safetensors.SafetensorsWriter.PendingTensor;
import jdit.model.dit.DitConfig;
import jdit.model.dit.DitConfigs;
import jdit.model.dit.DitKeys;
import jdit.model.dit.DitParameters;
import jdit.model.dit.SinCosPositions;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanKeys;
import jdit.model.wan.WanParameters;
import jdit.tensor.DType;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;

/**
 * What {@code jdit convert} writes: every tensor of a checkpoint in a chosen key layout (DiT and Wan2.1: original or
 * diffusers) and floating-point type, each made only when it is written. DiT's diffusers layout splits qkv into
 * to_q/to_k/to_v, copies the timestep and label embedders into every block and has no position table; converting
 * back stacks them, reads block 0's embedders and recomputes the fixed sin-cos table the original stores. Wan2.1's
 * layouts differ in names only.
 */
public final class CheckpointConversion {
    /** The key layout to write. */
    public enum Layout { KEEP, ORIGINAL, DIFFUSERS }

    private CheckpointConversion() {
    }

    /** The tensors to write for {@code store} in {@code layout}, floating ones as {@code dtype} (null keeps each one's). */
    public static List<PendingTensor> plan(WeightStore store, Layout layout, DType dtype) {
        if (dtype != null && !dtype.isFloating()) {
            throw new IllegalArgumentException("a checkpoint converts to a floating-point type, not " + dtype);
        }
        KnownLayout known = LayoutRecognizer.recognise(store.entries()).map(LayoutMatch::layout).orElse(null);
        if (layout == Layout.KEEP || layout == current(known)) {
            List<PendingTensor> out = new ArrayList<>();
            for (TensorEntry e : store.entries()) {
                out.add(renamed(store, e.name(), e.name(), dtype));
            }
            return out;
        }
        return switch (known) {
            case DIT_ORIGINAL, DIT_DIFFUSERS -> dit(store, known == KnownLayout.DIT_ORIGINAL, dtype);
            case WAN_ORIGINAL, WAN_DIFFUSERS -> wan(store, known == KnownLayout.WAN_ORIGINAL, dtype);
            case null -> throw new IllegalArgumentException(store.source() + " is no layout jdit recognises: it converts "
                    + "types only (--layout keep)");
            default -> throw new IllegalArgumentException(store.source() + " holds " + known.description()
                    + ": key layouts convert for DiT and Wan2.1 only; use --layout keep to change the type");
        };
    }

    private static Layout current(KnownLayout known) {
        if (known == null) {
            return null;
        }
        return switch (known) {
            case DIT_ORIGINAL, WAN_ORIGINAL, LATTE_ORIGINAL, WAN_VAE_ORIGINAL -> Layout.ORIGINAL;
            default -> Layout.DIFFUSERS;
        };
    }

    private static List<PendingTensor> wan(WeightStore store, boolean fromOriginal, DType dtype) {
        WanConfig c = WanConfig.of(store);
        List<PendingTensor> out = new ArrayList<>();
        for (String canonical : WanParameters.originalLayout(c).keySet()) {
            String diffusers = WanKeys.DIFFUSERS.stored(canonical);
            out.add(fromOriginal ? renamed(store, canonical, diffusers, dtype) : renamed(store, diffusers, canonical, dtype));
        }
        return out;
    }

    private static List<PendingTensor> dit(WeightStore store, boolean fromOriginal, DType dtype) {
        DitConfig c = DitConfigs.of(store);
        List<PendingTensor> out = new ArrayList<>();
        for (String canonical : DitParameters.originalLayout(c).keySet()) {
            List<String> parts = DitKeys.DIFFUSERS.stored(canonical.equals("pos_embed") ? "x_embedder.proj.weight" : canonical);
            if (fromOriginal) {
                if (canonical.equals("pos_embed")) {
                    continue; // diffusers recomputes the fixed table
                }
                TensorEntry whole = entry(store, canonical);
                long rows = whole.shape().dim(0) / parts.size();
                for (int i = 0; i < parts.size(); i++) {
                    long from = i * rows;
                    Shape shape = withRows(whole.shape(), rows);
                    for (String name : copiesPerBlock(parts.get(i), c.depth())) {
                        out.add(pending(name, whole, shape, dtype, a -> store.tensor(canonical).narrow(0, from, rows)));
                    }
                }
            } else if (canonical.equals("pos_embed")) {
                int grid = c.inputSize() / c.patchSize();
                Shape shape = Shape.of(1, (long) grid * grid, c.hiddenSize());
                DType t = dtype != null ? dtype : entry(store, parts.getFirst()).dtype().dtype();
                out.add(new PendingTensor(canonical, t, shape,
                        a -> convert(SinCosPositions.table(a, grid, c.hiddenSize()).reshape(shape.toArray()), t, a)));
            } else {
                TensorEntry first = entry(store, parts.getFirst());
                long rows = first.shape().dim(0);
                Shape shape = withRows(first.shape(), rows * parts.size());
                DType t = dtype != null ? dtype : first.dtype().dtype();
                out.add(new PendingTensor(canonical, t, shape, a -> {
                    Tensor stacked = Tensor.allocate(a, t, shape);
                    for (int i = 0; i < parts.size(); i++) {
                        store.tensor(parts.get(i)).copyTo(stacked.narrow(0, i * rows, rows));
                    }
                    return stacked;
                }));
            }
        }
        return out;
    }

    /** Diffusers' DiT keeps a copy of the timestep and label embedders in every block; block 0's is the one read. */
    private static List<String> copiesPerBlock(String name, int depth) {
        String block0 = "transformer_blocks.0.norm1.emb.";
        if (!name.startsWith(block0)) {
            return List.of(name);
        }
        List<String> names = new ArrayList<>();
        for (int b = 0; b < depth; b++) {
            names.add("transformer_blocks." + b + ".norm1.emb." + name.substring(block0.length()));
        }
        return names;
    }

    private static PendingTensor renamed(WeightStore store, String from, String to, DType dtype) {
        TensorEntry e = entry(store, from);
        return pending(to, e, e.shape(), dtype, a -> store.tensor(from));
    }

    private static PendingTensor pending(String name, TensorEntry source, Shape shape, DType dtype, Function<Arena, Tensor> data) {
        DType stored = source.dtype().dtype();
        DType t = dtype != null && stored.isFloating() ? dtype : stored;
        return new PendingTensor(name, t, shape, a -> convert(data.apply(a), t, a));
    }

    private static Tensor convert(Tensor x, DType t, Arena a) {
        if (x.dtype() == t) {
            return x;
        }
        Tensor out = Tensor.allocate(a, t, x.shape());
        x.copyTo(out);
        return out;
    }

    private static TensorEntry entry(WeightStore store, String name) {
        return store.entry(name).orElseThrow(() -> new IllegalArgumentException(store.source() + ": missing key '" + name + "'"));
    }

    private static Shape withRows(Shape s, long rows) {
        long[] d = s.toArray();
        d[0] = rows;
        return Shape.of(d);
    }
}
