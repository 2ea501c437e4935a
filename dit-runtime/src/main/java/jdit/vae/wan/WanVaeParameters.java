package jdit.vae.wan;

import java.util.LinkedHashMap;
import java.util.Map;
import jdit.tensor.Shape;

/**
 * The module tree of {@code WanVAE_}: channel counts per level and the name and shape of every parameter in the
 * original layout, in state_dict order. The forward passes take their channel counts from here too, so that a
 * random VAE of the real shapes ({@link jdit.io.SeededWeights} over {@link #originalLayout}) decodes like a real one.
 */
public final class WanVaeParameters {
    private WanVaeParameters() {
    }

    /** Output channels of encoder level {@code i}: dim·dimMult[i]. */
    static int encoderOut(WanVaeConfig c, int level) {
        return c.dim() * c.dimMult().get(level);
    }

    /** Input channels of encoder level {@code i}: the previous level's output, dim for the first. */
    static int encoderIn(WanVaeConfig c, int level) {
        return level == 0 ? c.dim() : encoderOut(c, level - 1);
    }

    /** Output channels of decoder level {@code i}: the encoder's levels reversed. */
    static int decoderOut(WanVaeConfig c, int level) {
        return c.dim() * c.dimMult().get(c.levels() - 1 - level);
    }

    /** Input channels of decoder level {@code i}: the middle's width first, then half the previous level's (its upsampler halves). */
    static int decoderIn(WanVaeConfig c, int level) {
        return level == 0 ? middleWidth(c) : decoderOut(c, level - 1) / 2;
    }

    /** Channels of the middle blocks: dim·dimMult[last]. */
    static int middleWidth(WanVaeConfig c) {
        return c.dim() * c.dimMult().get(c.levels() - 1);
    }

    /** Index in decoder {@code upsamples} of the first residual block of level {@code i}. */
    static int decoderLevelStart(WanVaeConfig c, int level) {
        return level * (c.numResBlocks() + 2);
    }

    /** Every parameter of the VAE (encoder, conv1, conv2, decoder) in the original layout. */
    public static Map<String, Shape> originalLayout(WanVaeConfig c) {
        Map<String, Shape> m = new LinkedHashMap<>();
        encoder(c, m);
        conv(m, "conv1", 2L * c.zDim(), 2L * c.zDim(), 1, 1, 1);
        conv(m, "conv2", c.zDim(), c.zDim(), 1, 1, 1);
        decoder(c, m);
        return m;
    }

    /** The decoder's parameters and conv2 (post_quant_conv) only: what a decode reads. */
    public static Map<String, Shape> decoderLayout(WanVaeConfig c) {
        Map<String, Shape> m = new LinkedHashMap<>();
        conv(m, "conv2", c.zDim(), c.zDim(), 1, 1, 1);
        decoder(c, m);
        return m;
    }

    private static void encoder(WanVaeConfig c, Map<String, Shape> m) {
        conv(m, "encoder.conv1", c.dim(), 3, 3, 3, 3);
        int n = 0;
        for (int i = 0; i < c.levels(); i++) {
            int in = encoderIn(c, i);
            int out = encoderOut(c, i);
            for (int r = 0; r < c.numResBlocks(); r++) {
                residual(m, "encoder.downsamples." + n++, r == 0 ? in : out, out);
            }
            if (i < c.levels() - 1) {
                String p = "encoder.downsamples." + n++;
                conv(m, p + ".resample.1", out, out, 3, 3);
                if (c.temperalDownsample().get(i)) {
                    conv(m, p + ".time_conv", out, out, 3, 1, 1);
                }
            }
        }
        middle(m, "encoder", middleWidth(c));
        head(m, "encoder", middleWidth(c), 2 * c.zDim());
    }

    private static void decoder(WanVaeConfig c, Map<String, Shape> m) {
        int mid = middleWidth(c);
        conv(m, "decoder.conv1", mid, c.zDim(), 3, 3, 3);
        middle(m, "decoder", mid);
        int n = 0;
        for (int i = 0; i < c.levels(); i++) {
            int out = decoderOut(c, i);
            for (int r = 0; r <= c.numResBlocks(); r++) {
                residual(m, "decoder.upsamples." + n++, r == 0 ? decoderIn(c, i) : out, out);
            }
            if (i < c.levels() - 1) {
                String p = "decoder.upsamples." + n++;
                conv(m, p + ".resample.1", out / 2, out, 3, 3);
                if (c.temporalUpsample(i)) {
                    conv(m, p + ".time_conv", 2L * out, out, 3, 1, 1);
                }
            }
        }
        head(m, "decoder", decoderOut(c, c.levels() - 1), 3);
    }

    private static void middle(Map<String, Shape> m, String coder, int width) {
        residual(m, coder + ".middle.0", width, width);
        String a = coder + ".middle.1";
        m.put(a + ".norm.gamma", Shape.of(width, 1, 1));
        conv(m, a + ".to_qkv", 3L * width, width, 1, 1);
        conv(m, a + ".proj", width, width, 1, 1);
        residual(m, coder + ".middle.2", width, width);
    }

    private static void head(Map<String, Shape> m, String coder, int in, int out) {
        m.put(coder + ".head.0.gamma", Shape.of(in, 1, 1, 1));
        conv(m, coder + ".head.2", out, in, 3, 3, 3);
    }

    private static void residual(Map<String, Shape> m, String p, int in, int out) {
        m.put(p + ".residual.0.gamma", Shape.of(in, 1, 1, 1));
        conv(m, p + ".residual.2", out, in, 3, 3, 3);
        m.put(p + ".residual.3.gamma", Shape.of(out, 1, 1, 1));
        conv(m, p + ".residual.6", out, out, 3, 3, 3);
        if (in != out) {
            conv(m, p + ".shortcut", out, in, 1, 1, 1);
        }
    }

    private static void conv(Map<String, Shape> m, String p, long out, long... inAndKernel) {
        long[] dims = new long[inAndKernel.length + 1];
        dims[0] = out;
        System.arraycopy(inAndKernel, 0, dims, 1, inAndKernel.length);
        m.put(p + ".weight", Shape.of(dims));
        m.put(p + ".bias", Shape.of(out));
    }
}
