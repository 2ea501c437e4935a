package jdit.vae.sd;

import jdit.backend.Backend;
import jdit.backend.BinaryOp;
import jdit.backend.Conv2dSpec;
import jdit.backend.Epilogue;
import jdit.backend.UnaryOp;
import jdit.io.CheckpointException;
import jdit.io.WeightStore;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * The SD VAE (diffusers {@code AutoencoderKL}). Decoder: post_quant_conv, conv_in, mid block (resnet, single-head
 * attention, resnet), up blocks of (layers_per_block + 1) resnets each followed, but for the last, by a nearest x2
 * upsample and a 3x3 conv, then GroupNorm, SiLU, conv_out. The encoder mirrors it with layers_per_block resnets per
 * down block and a stride-2 conv on the (0,1,0,1)-padded map, ending in quant_conv (mean and log variance).
 * Reads current ({@code to_q}) and legacy ({@code query}) attention names. Weights are converted to F32 once.
 */
public final class SdVae implements AutoCloseable {
    private static final float EPS = 1e-6f;

    private final WeightStore store;
    private final SdVaeConfig config;
    private final jdit.backend.Memory memory;
    private final Workspace weights;
    private final int[] blockOut;
    private final int layersPerBlock;
    private final int groups;
    private final float scalingFactor;
    private final boolean legacyAttention;
    /** F32 copies of the parameters, converted on first use and kept: a decode must not re-convert its weights. */
    private final java.util.Map<String, Tensor> converted = new java.util.concurrent.ConcurrentHashMap<>();

    /** The VAE in {@code store}, configured by {@code config} (see {@link SdVaeConfig#of}). */
    public SdVae(WeightStore store, SdVaeConfig config) {
        this(store, config, new jdit.backend.cpu.CpuMemory());
    }

    /** The same with the parameters uploaded to {@code memory}'s device as they are first used. */
    public SdVae(WeightStore store, SdVaeConfig config, jdit.backend.Memory memory) {
        this.memory = memory;
        this.weights = memory.workspace();
        this.store = store;
        this.config = config;
        this.blockOut = config.blockOutChannels().stream().mapToInt(Integer::intValue).toArray();
        this.layersPerBlock = config.layersPerBlock();
        this.groups = config.normGroups();
        this.scalingFactor = config.scalingFactor();
        this.legacyAttention = store.entry("decoder.mid_block.attentions.0.query.weight").isPresent();
    }

    /** Bytes of F32 parameters converted so far (all of them after a decode and an encode). */
    public long weightBytes() {
        return weights.peakBytes();
    }

    public SdVaeConfig config() {
        return config;
    }

    private Tensor w(String key) {
        return converted.computeIfAbsent(key, k -> {
            if (store.entry(k).isEmpty()) {
                throw new CheckpointException(store.source(), "missing key '" + k + "'");
            }
            Tensor stored = store.tensor(k);
            Tensor t = weights.allocate(DType.F32, stored.shape());
            memory.upload(stored, t);
            return t;
        });
    }

    /** Image [N, 3, 8h, 8w] in about [-1, 1] from a latent [N, 4, h, w] as the diffusion model produced it. */
    public Tensor decode(Tensor latent, Backend be, Workspace ws) {
        Tensor z = ws.allocate(DType.F32, latent.shape());
        be.pointwise().scaleAdd(latent, 1 / scalingFactor, latent, 0f, z); // latents / scaling_factor
        Tensor h = conv(z, "post_quant_conv", 0, be, ws);
        ws.release(z);
        h = next(ws, h, conv(h, "decoder.conv_in", 1, be, ws));
        h = next(ws, h, resnet(h, "decoder.mid_block.resnets.0", be, ws));
        h = next(ws, h, attention(h, "decoder.mid_block.attentions.0", be, ws));
        h = next(ws, h, resnet(h, "decoder.mid_block.resnets.1", be, ws));
        for (int b = 0; b < blockOut.length; b++) {
            String p = "decoder.up_blocks." + b;
            for (int r = 0; r <= layersPerBlock; r++) {
                h = next(ws, h, resnet(h, p + ".resnets." + r, be, ws));
            }
            if (b < blockOut.length - 1) {
                h = next(ws, h, upsampleNearest2x(h, be, ws));
                h = next(ws, h, conv(h, p + ".upsamplers.0.conv", 1, be, ws));
            }
        }
        h = next(ws, h, normSilu(h, "decoder.conv_norm_out", true, be, ws));
        return next(ws, h, conv(h, "decoder.conv_out", 1, be, ws));
    }

    /** Gives {@code done} back to the workspace and returns {@code result}: activations live one layer at a time. */
    private static Tensor next(Workspace ws, Tensor done, Tensor result) {
        ws.release(done);
        return result;
    }

    /** The posterior's mean and log variance [N, 4, h, w] each, for an image [N, 3, 8h, 8w] in [-1, 1] (unscaled). */
    public Tensor[] encode(Tensor image, Backend be, Workspace ws) {
        Tensor h = conv(image, "encoder.conv_in", 1, be, ws);
        for (int b = 0; b < blockOut.length; b++) {
            String p = "encoder.down_blocks." + b;
            for (int r = 0; r < layersPerBlock; r++) {
                h = next(ws, h, resnet(h, p + ".resnets." + r, be, ws));
            }
            if (b < blockOut.length - 1) {
                h = next(ws, h, padRightBottom(h, be, ws));
                h = next(ws, h, convStride2(h, p + ".downsamplers.0.conv", be, ws));
            }
        }
        h = next(ws, h, resnet(h, "encoder.mid_block.resnets.0", be, ws));
        h = next(ws, h, attention(h, "encoder.mid_block.attentions.0", be, ws));
        h = next(ws, h, resnet(h, "encoder.mid_block.resnets.1", be, ws));
        h = next(ws, h, normSilu(h, "encoder.conv_norm_out", true, be, ws));
        h = next(ws, h, conv(h, "encoder.conv_out", 1, be, ws));
        h = next(ws, h, conv(h, "quant_conv", 0, be, ws)); // [N, 2·latent, h, w]
        long c = h.dim(1) / 2;
        Tensor[] posterior = {ws.copy(h.narrow(1, 0, c)), ws.copy(h.narrow(1, c, c))};
        ws.release(h);
        return posterior;
    }

    /** diffusers' Downsample2D: pad (0, 1, 0, 1) with zeros, then a 3x3 conv with stride 2 and no padding. */
    private static Tensor padRightBottom(Tensor x, Backend be, Workspace ws) {
        Tensor out = ws.allocateZeroed(DType.F32, x.dim(0), x.dim(1), x.dim(2) + 1, x.dim(3) + 1);
        be.memory().copy(x, out.narrow(2, 0, x.dim(2)).narrow(3, 0, x.dim(3)));
        return out;
    }

    private Tensor convStride2(Tensor x, String prefix, Backend be, Workspace ws) {
        Tensor wt = w(prefix + ".weight");
        Tensor out = ws.allocate(DType.F32, x.dim(0), wt.dim(0), (x.dim(2) - 3) / 2 + 1, (x.dim(3) - 3) / 2 + 1);
        be.conv().conv2d(x, wt, w(prefix + ".bias"), Conv2dSpec.of(2, 0), out);
        return out;
    }

    private Tensor conv(Tensor x, String prefix, int pad, Backend be, Workspace ws) {
        Tensor wt = w(prefix + ".weight");
        long k = wt.dim(2);
        long ho = x.dim(2) + 2L * pad - k + 1;
        long wo = x.dim(3) + 2L * pad - k + 1;
        Tensor out = ws.allocate(DType.F32, x.dim(0), wt.dim(0), ho, wo);
        be.conv().conv2d(x, wt, w(prefix + ".bias"), Conv2dSpec.of(1, pad), out);
        return out;
    }

    private Tensor normSilu(Tensor x, String prefix, boolean silu, Backend be, Workspace ws) {
        Tensor out = ws.allocate(DType.F32, x.shape());
        be.norms().groupNorm(x, groups, w(prefix + ".weight"), w(prefix + ".bias"), EPS, out);
        if (silu) {
            be.pointwise().unary(UnaryOp.SILU, out, out);
        }
        return out;
    }

    /** ResnetBlock2D: norm1, SiLU, conv1, norm2, SiLU, conv2, plus the (1x1-projected when channels change) input. */
    private Tensor resnet(Tensor x, String p, Backend be, Workspace ws) {
        Tensor n1 = normSilu(x, p + ".norm1", true, be, ws);
        Tensor h = next(ws, n1, conv(n1, p + ".conv1", 1, be, ws));
        Tensor n2 = next(ws, h, normSilu(h, p + ".norm2", true, be, ws));
        h = next(ws, n2, conv(n2, p + ".conv2", 1, be, ws));
        boolean projected = store.entry(p + ".conv_shortcut.weight").isPresent();
        Tensor shortcut = projected ? conv(x, p + ".conv_shortcut", 0, be, ws) : x;
        be.pointwise().binary(BinaryOp.ADD, h, shortcut, h);
        if (projected) {
            ws.release(shortcut);
        }
        return h;
    }

    /** Single-head self-attention over the H·W positions with a residual add. */
    private Tensor attention(Tensor x, String p, Backend be, Workspace ws) {
        long n = x.dim(0);
        long c = x.dim(1);
        long hw = x.dim(2) * x.dim(3);
        Tensor normed = normSilu(x, p + ".group_norm", false, be, ws);
        String[] names = legacyAttention ? new String[] {"query", "key", "value", "proj_attn"}
                : new String[] {"to_q", "to_k", "to_v", "to_out.0"};
        Tensor out = ws.allocate(DType.F32, x.shape());
        for (long b = 0; b < n; b++) {
            Tensor tokens = ws.copy(normed.select(0, b).reshape(c, hw).transpose(0, 1)); // [HW, C]
            Tensor q = linear(tokens, p + "." + names[0], be, ws);
            Tensor k = linear(tokens, p + "." + names[1], be, ws);
            Tensor v = linear(tokens, p + "." + names[2], be, ws);
            Tensor s = ws.allocate(DType.F32, hw, hw);
            be.gemm().matmul(q, k, s, new Epilogue(null, UnaryOp.IDENTITY, null, (float) (1 / Math.sqrt(c)), true));
            be.pointwise().softmax(s, 1f, s);
            Tensor a = ws.allocate(DType.F32, hw, c);
            be.gemm().matmul(s, v, a, Epilogue.NONE);
            Tensor o = linear(a, p + "." + names[3], be, ws); // [HW, C]
            be.memory().copy(o.transpose(0, 1), out.select(0, b).reshape(c, hw));
            for (Tensor tmp : new Tensor[] {tokens, q, k, v, s, a, o}) {
                ws.release(tmp);
            }
        }
        ws.release(normed);
        be.pointwise().binary(BinaryOp.ADD, out, x, out);
        return out;
    }

    private Tensor linear(Tensor x, String prefix, Backend be, Workspace ws) {
        Tensor wt = w(prefix + ".weight");
        Tensor out = ws.allocate(DType.F32, x.dim(0), wt.dim(0));
        be.gemm().matmul(x, wt, out, Epilogue.linear(w(prefix + ".bias")));
        return out;
    }

    /** Nearest-neighbour x2: out[.., 2i + a, 2j + b] = x[.., i, j]. */
    private static Tensor upsampleNearest2x(Tensor x, Backend be, Workspace ws) {
        long n = x.dim(0);
        long c = x.dim(1);
        long h = x.dim(2);
        long wd = x.dim(3);
        Tensor out = ws.allocate(DType.F32, n, c, 2 * h, 2 * wd);
        Tensor view = out.reshape(n, c, h, 2, wd, 2); // [N, C, H, a, W, b]
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                be.memory().copy(x, view.select(5, b).select(3, a));
            }
        }
        return out;
    }

    @Override
    public void close() {
        weights.close();
    }
}
