package jdit.pipeline;

import java.lang.foreign.Arena;
import jdit.backend.Memory;
import jdit.backend.Transfers;
import jdit.tensor.Tensor;

/**
 * Decoded frames leave the backend's device here: sinks and preview listeners are application code that reads
 * pixels from Java, so they always get host tensors (one explicit download per chunk; a copy on the CPU).
 */
final class HostFrames {
    private HostFrames() {
    }

    /** A host copy of {@code frames} (F32, contiguous), kept alive as long as the listener holds it. */
    static Tensor download(Tensor frames, Memory memory) {
        return Transfers.toHost(frames, memory, Arena.ofAuto());
    }

    /** {@code sink} fed with host copies of the chunks. */
    static VideoDecoder.ChunkSink downloading(VideoDecoder.ChunkSink sink, Memory memory) {
        return (frames, first) -> sink.accept(download(frames, memory), first);
    }
}
