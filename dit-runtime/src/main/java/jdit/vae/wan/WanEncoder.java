package jdit.vae.wan;

import jdit.tensor.Tensor;

/**
 * {@code Encoder3d} applied to one chunk of video frames (1 frame first, then the temporal factor each): conv1, per
 * level numResBlocks residual blocks and (but for the last level) a downsampler, the middle (residual, attention,
 * residual), then RMS_norm, SiLU and the conv to 2·zDim channels (mean and log variance, before conv1).
 */
final class WanEncoder {
    private WanEncoder() {
    }

    /** x [B, 3, n, H, W] -> [B, 2·zDim, 1, H/8, W/8]. */
    static Tensor chunk(WanLayers l, WanVaeConfig c, Tensor x) {
        Tensor h = l.causalConv(x, "encoder.conv1");
        int n = 0;
        for (int i = 0; i < c.levels(); i++) {
            for (int r = 0; r < c.numResBlocks(); r++) {
                h = l.next(h, l.residual(h, "encoder.downsamples." + n++));
            }
            if (i < c.levels() - 1) {
                h = l.next(h, WanResample.downsample(l, h, "encoder.downsamples." + n++, c.temperalDownsample().get(i)));
            }
        }
        h = l.next(h, l.residual(h, "encoder.middle.0"));
        h = l.next(h, l.attention(h, "encoder.middle.1"));
        h = l.next(h, l.residual(h, "encoder.middle.2"));
        return l.next(h, l.normSiluConv(h, "encoder.head.0.gamma", "encoder.head.2"));
    }
}
