package jdit.sampling;

import java.lang.foreign.Arena;
import jdit.backend.Memory;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * A noise source for tensors on a backend's device: each draw is made on the host (so a seed gives the same values on
 * every device) and uploaded. On the CPU the upload is one copy.
 */
public record UploadedNoise(NoiseSource host, Memory memory) implements NoiseSource {
    @Override
    public void next(Tensor out) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor draw = Tensor.allocate(arena, DType.F32, out.shape());
            host.next(draw);
            memory.upload(draw, out);
        }
    }
}
