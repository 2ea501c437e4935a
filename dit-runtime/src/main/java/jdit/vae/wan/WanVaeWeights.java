package jdit.vae.wan;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdit.io.CheckpointException;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;
import jdit.tensor.DType;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * The VAE's parameters under their original names, converted to F32 on first use and kept, so that a decode of many
 * chunks converts each weight once and a decode-only run never converts the encoder. Each is checked against the
 * shape the config implies: a wrong or missing tensor fails naming the stored key (and both shapes).
 */
final class WanVaeWeights implements AutoCloseable {
    private final WeightStore store;
    private final WanVaeKeys keys;
    private final Map<String, Shape> expected;
    private final jdit.backend.Memory device;
    private final Workspace memory;
    private final Map<String, Tensor> converted = new ConcurrentHashMap<>();

    /** Parameters uploaded to {@code device}'s memory as they are first used. */
    WanVaeWeights(WeightStore store, WanVaeKeys keys, WanVaeConfig config, jdit.backend.Memory device) {
        this.device = device;
        this.memory = device.workspace();
        this.store = store;
        this.keys = keys;
        this.expected = WanVaeParameters.originalLayout(config);
    }

    /** The parameter {@code canonical} (original layout) as a contiguous F32 tensor of its stored shape. */
    Tensor get(String canonical) {
        return converted.computeIfAbsent(canonical, this::load);
    }

    /** A copy of a host tensor on the weights' device, freed with them. */
    Tensor upload(Tensor host) {
        Tensor t = memory.allocate(host.dtype(), host.shape());
        device.upload(host, t);
        return t;
    }

    /** An RMS_norm gamma ([C, 1, 1, 1] or [C, 1, 1]) as a vector [C]. */
    Tensor vector(String canonical) {
        Tensor t = get(canonical);
        return t.reshape(t.dim(0));
    }

    /** A 1x1 Conv2d weight [O, C, 1, 1] as the Linear weight [O, C] it amounts to. */
    Tensor matrix(String canonical) {
        Tensor t = get(canonical);
        return t.reshape(t.dim(0), t.dim(1));
    }

    /** Whether the config gives the VAE this parameter (a residual block's shortcut exists only where channels change). */
    boolean exists(String canonical) {
        return expected.containsKey(canonical);
    }

    /** Bytes of F32 parameters converted so far. */
    long bytes() {
        return memory.peakBytes();
    }

    private Tensor load(String canonical) {
        String key = keys.stored(canonical);
        Shape want = expected.get(canonical);
        if (want == null) {
            throw new IllegalStateException("'" + canonical + "' is no parameter of this Wan VAE config");
        }
        TensorEntry entry = store.entry(key).orElseThrow(() -> new CheckpointException(store.source(), "missing key '"
                + key + "'" + (key.equals(canonical) ? "" : " (original name '" + canonical + "')")));
        if (!entry.shape().equals(want)) {
            throw new CheckpointException(store.source(), "key '" + key + "' has shape " + entry.shape()
                    + ", the config expects " + want);
        }
        Tensor t = memory.allocate(DType.F32, want);
        device.upload(store.tensor(key), t);
        return t;
    }

    @Override
    public void close() {
        memory.close();
    }
}
