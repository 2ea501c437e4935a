package jdit.vae.wan;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import jdit.backend.Memory;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * The per-run state of chunked causal decoding and encoding ({@code feat_cache} in the official code): for each
 * causal convolution, the last input frames it saw, so that a chunk's convolution sees the previous chunks' frames
 * as its causal history and the chunked result equals one pass over the whole sequence with zero frames in front.
 * Memory is a fixed number of frames per convolution, whatever the video length. Keys are the convolutions'
 * parameter prefixes. The state lives in the run's workspace and is given back by {@link #close}.
 */
final class FrameCache implements AutoCloseable {
    private final Workspace ws;
    private final Memory memory;
    private final Map<String, Tensor> frames = new HashMap<>();
    private final Set<String> visited = new HashSet<>();

    FrameCache(Workspace ws, Memory memory) {
        this.ws = ws;
        this.memory = memory;
    }

    /** True on the first call for {@code key} only: the first chunk is special for the temporal resamplers. */
    boolean firstVisit(String key) {
        return visited.add(key);
    }

    /**
     * A buffer [B, C, history + T, H, W] for the input x [B, C, T, H, W] of convolution {@code key}: its first
     * {@code history} frames hold the remembered ones (zeros before any were), the rest is left for the caller to fill
     * with the chunk's T frames (possibly transformed on the way, e.g. normalised).
     */
    Tensor withHistory(String key, int history, Tensor x) {
        long[] dims = x.shape().toArray();
        dims[2] += history;
        Tensor kept = frames.get(key);
        if (kept == null) {
            return ws.allocateZeroed(DType.F32, dims);
        }
        Tensor buf = ws.allocate(DType.F32, jdit.tensor.Shape.of(dims));
        memory.copy(kept, buf.narrow(2, 0, history));
        return buf;
    }

    /** Keeps the last {@code history} frames of {@code buf} [B, C, T, H, W] as the history of the next chunk. */
    void remember(String key, Tensor buf, int history) {
        long t = buf.dim(2);
        if (t < history) {
            throw new IllegalArgumentException("cannot keep " + history + " frames of " + buf + " for '" + key + "'");
        }
        Tensor kept = frames.get(key);
        if (kept == null) {
            long[] dims = buf.shape().toArray();
            dims[2] = history;
            kept = ws.allocate(DType.F32, jdit.tensor.Shape.of(dims));
            frames.put(key, kept);
        }
        memory.copy(buf.narrow(2, t - history, history), kept);
    }

    /** Gives the remembered frames back to the workspace. */
    @Override
    public void close() {
        frames.values().forEach(ws::release);
        frames.clear();
        visited.clear();
    }
}
