package jdit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdit.model.wan.WanConfig;
import org.junit.jupiter.api.Test;

/** The estimate for Wan2.1-1.3B's default video, worked by hand. */
class MemoryEstimateTest {
    @Test
    void wan13bAt480pWorkedByHand() {
        // 81 frames -> 21 latent frames; 832x480 -> 104 x 60 latent -> 52 x 30 patches: 32,760 tokens
        MemoryEstimate e = MemoryEstimate.wan(WanConfig.t2v13b(), 1L << 30, 81, 832, 480);
        assertEquals(32_760L * (6 * 1536 + 8960) * 4, e.transformerActivationBytes());
        assertEquals((long) (6.6 * (1L << 30)), e.decoderActivationBytes(), 1);
        assertEquals((1L << 30) + e.decoderActivationBytes(), e.totalBytes());
    }
}
