package jdit.vae.wan;

import jdit.tensor.Tensor;

/**
 * {@code Decoder3d} applied to one chunk: a single latent frame, after conv2 (post_quant_conv). conv1, the middle
 * (residual, attention, residual), per level numResBlocks + 1 residual blocks and (but for the last level) an
 * upsampler, then RMS_norm, SiLU and the conv to RGB. The chunk's causal history lives in the layers' cache.
 */
final class WanDecoder {
    private WanDecoder() {
    }

    /** x [B, zDim, 1, h, w] -> frames [B, 3, n, 8h, 8w], n = 1 for the first chunk and the temporal factor after. */
    static Tensor chunk(WanLayers l, WanVaeConfig c, Tensor x) {
        Tensor h = l.causalConv(x, "decoder.conv1");
        h = l.next(h, l.residual(h, "decoder.middle.0"));
        h = l.next(h, l.attention(h, "decoder.middle.1"));
        h = l.next(h, l.residual(h, "decoder.middle.2"));
        for (int i = 0; i < c.levels(); i++) {
            int start = WanVaeParameters.decoderLevelStart(c, i);
            for (int r = 0; r <= c.numResBlocks(); r++) {
                h = l.next(h, l.residual(h, "decoder.upsamples." + (start + r)));
            }
            if (i < c.levels() - 1) {
                String p = "decoder.upsamples." + (start + c.numResBlocks() + 1);
                h = l.next(h, WanResample.upsample(l, h, p, c.temporalUpsample(i)));
            }
        }
        return l.next(h, l.normSiluConv(h, "decoder.head.0.gamma", "decoder.head.2"));
    }
}
