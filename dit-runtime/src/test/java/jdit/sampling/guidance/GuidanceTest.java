package jdit.sampling.guidance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import jdit.backend.Backend;
import jdit.backend.Backends;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import org.junit.jupiter.api.Test;

/** The guidance rules on small hand-worked tensors. */
class GuidanceTest {
    private final Backend be = Backends.reference();
    private final Workspace ws = new Workspace();

    @Test
    void classifierFreeGuidanceExtrapolatesFromUncond() {
        try (Arena a = Arena.ofConfined()) {
            Tensor c = Tensor.fromFloats(a, new float[] {1, 2}, 1, 2);
            Tensor u = Tensor.fromFloats(a, new float[] {0.5f, 4}, 1, 2);
            Tensor o = Tensor.allocate(a, jdit.tensor.DType.F32, 1, 2);
            new ClassifierFreeGuidance(4f).combine(c, u, 0, o, be, ws);
            assertArrayEquals(new float[] {0.5f + 4 * 0.5f, 4 + 4 * -2f}, o.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void ditGuidesThreeChannelsAndKeepsTheRestOfTheConditionalBranch() {
        try (Arena a = Arena.ofConfined()) {
            // [1, 5, 1]: channels 0-2 guided, 3-4 (the variance channels in DiT) from cond
            Tensor c = Tensor.fromFloats(a, new float[] {1, 2, 3, 10, 20}, 1, 5, 1);
            Tensor u = Tensor.fromFloats(a, new float[] {0, 0, 0, -10, -20}, 1, 5, 1);
            Tensor o = Tensor.allocate(a, jdit.tensor.DType.F32, 1, 5, 1);
            DitChannelGuidance.official(1.5f).combine(c, u, 0, o, be, ws);
            assertArrayEquals(new float[] {1.5f, 3, 4.5f, 10, 20}, o.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void cfgZeroStarScalesTheUnconditionalBranchAndZeroesTheFirstSteps() {
        try (Arena a = Arena.ofConfined()) {
            Tensor c = Tensor.fromFloats(a, new float[] {2, 0, 1, 1}, 2, 2);
            Tensor u = Tensor.fromFloats(a, new float[] {1, 1, 2, 0}, 2, 2);
            Tensor o = Tensor.allocate(a, jdit.tensor.DType.F32, 2, 2);
            CfgZeroStar g = new CfgZeroStar(3f, 1);
            g.combine(c, u, 0, o, be, ws);
            assertArrayEquals(new float[] {0, 0, 0, 0}, o.toFloatArray());
            g.combine(c, u, 1, o, be, ws);
            // entry 0: a = (2·1 + 0·1)/2 = 1 -> u + 3(c - u) = (1 + 3, 1 - 3); entry 1: a = 2/4 = 0.5 -> (1 + 3·0, 0 + 3·1)
            assertArrayEquals(new float[] {4, -2, 1, 3}, o.toFloatArray(), 1e-6f);
        }
    }
}
