package jdit.vae.wan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.io.CheckpointException;
import jdit.io.SeededWeights;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.testing.Tensors;
import org.junit.jupiter.api.Test;

/**
 * The streaming decode: chunks of 1, 4, 4, ... frames in order, equal to the whole-video decode; its workspace
 * peak does not grow with the number of latent frames; a missing parameter is named.
 */
class WanVaeStreamingTest {
    private static final WanVaeConfig TINY = WanVaeConfigTest.TINY;

    @Test
    void chunksComeInOrderAndMakeUpTheVideo() {
        try (Arena arena = Arena.ofConfined(); CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace();
             WanVae vae = new WanVae(new SeededWeights(WanVaeParameters.originalLayout(TINY), 3), TINY)) {
            Backend be = cpu.backend();
            Tensor z = Tensors.random(arena, new Random(1), 1, 4, 3, 2, 3);
            Tensor whole = vae.decode(z, be, ws);
            assertEquals(Shape.of(1, 3, 9, 16, 24), whole.shape());
            List<Integer> firsts = new ArrayList<>();
            List<Long> counts = new ArrayList<>();
            vae.decode(z, (frames, first) -> {
                firsts.add(first);
                counts.add(frames.dim(2));
                Tensors.assertClose(whole.narrow(2, first, frames.dim(2)).contiguous(ws), frames, 0, 0, "chunk at " + first);
            }, be, ws);
            assertEquals(List.of(0, 1, 5), firsts);
            assertEquals(List.of(1L, 4L, 4L), counts);
        }
    }

    @Test
    void workspacePeakDoesNotGrowWithFrames() {
        try (CpuBackend cpu = CpuBackend.create(2, true)) {
            WanVaeProbeFigures two = figures(2, cpu.backend());
            WanVaeProbeFigures five = figures(5, cpu.backend());
            assertEquals(5, two.frames());
            assertEquals(17, five.frames());
            assertTrue(five.peak() < 1.3 * two.peak(), "peak " + five.peak() + " bytes for 5 latent frames vs "
                    + two.peak() + " for 2");
        }
    }

    private record WanVaeProbeFigures(long peak, int frames) {
    }

    private static WanVaeProbeFigures figures(int latentFrames, Backend be) {
        WanVaeMemoryProbe.Measurement m = WanVaeMemoryProbe.measure(TINY, latentFrames, 4, 4, be);
        return new WanVaeProbeFigures(m.peakBytes(), m.videoFrames());
    }

    @Test
    void aMissingKeyIsNamedInEitherLayout() {
        Map<String, Shape> original = WanVaeParameters.originalLayout(TINY);
        original.remove("decoder.head.2.weight");
        WanVaeKeys keys = new WanVaeKeys(true, TINY.numResBlocks());
        Map<String, Shape> diffusers = new java.util.LinkedHashMap<>();
        original.forEach((k, v) -> diffusers.put(keys.stored(k), v));
        try (Arena arena = Arena.ofConfined(); CpuBackend cpu = CpuBackend.create(1, false); Workspace ws = new Workspace()) {
            Tensor z = Tensors.random(arena, new Random(1), 1, 4, 1, 2, 2);
            for (Map<String, Shape> m : List.of(original, diffusers)) {
                try (WanVae vae = new WanVae(new SeededWeights(m, 1), TINY)) {
                    CheckpointException e = assertThrows(CheckpointException.class, () -> vae.decode(z, cpu.backend(), ws));
                    String want = m == original ? "'decoder.head.2.weight'" : "'decoder.conv_out.weight'";
                    assertTrue(e.getMessage().contains(want), e.getMessage());
                }
            }
        }
    }
}
