package jdit.vae.wan;

import java.lang.foreign.Arena;
import jdit.backend.Backend;
import jdit.backend.BinaryOp;
import jdit.io.WeightStore;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * The Wan2.1 VAE. Decoding is chunked and causal as in the official {@code WanVAE_.decode}: latent frame f is
 * de-normalised ({@code z / (1/std) + mean}), mapped by conv2 and decoded alone, every causal convolution taking
 * the frames before from a {@link FrameCache}; latent frame 0 gives one video frame and each later one gives four.
 * Activation memory is that of one chunk whatever the frame count. Encoding runs chunks of 1, 4, 4, ... frames and
 * returns the normalised mean {@code (mu - mean) · (1/std)}. Reads the original and the diffusers key layouts.
 * Parameters are converted to F32 on first use and kept until {@link #close}.
 */
public final class WanVae implements AutoCloseable {
    private final WanVaeConfig config;
    private final WanVaeWeights weights;
    /** [1, zDim, 1, 1, 1] each, float32 as in the official code (which multiplies by 1/std and divides by it). */
    private final Tensor mean;
    private final Tensor invStd;

    /** The VAE in {@code store} (either layout), configured by {@code config} (see {@link WanVaeConfig#of}). */
    public WanVae(WeightStore store, WanVaeConfig config) {
        this(store, config, new jdit.backend.cpu.CpuMemory());
    }

    /** The same with the parameters (and the latent statistics) on {@code memory}'s device. */
    public WanVae(WeightStore store, WanVaeConfig config, jdit.backend.Memory memory) {
        this.config = config;
        this.weights = new WanVaeWeights(store, new WanVaeKeys(WanVaeKeys.isDiffusersLayout(store), config.numResBlocks()),
                config, memory);
        int z = config.zDim();
        float[] m = new float[z];
        float[] inv = new float[z];
        for (int c = 0; c < z; c++) {
            m[c] = config.latentsMean().get(c).floatValue();
            inv[c] = 1f / config.latentsStd().get(c).floatValue();
        }
        try (Arena arena = Arena.ofConfined()) {
            this.mean = weights.upload(Tensor.fromFloats(arena, m, 1, z, 1, 1, 1));
            this.invStd = weights.upload(Tensor.fromFloats(arena, inv, 1, z, 1, 1, 1));
        }
    }

    public WanVaeConfig config() {
        return config;
    }

    /** Bytes of F32 parameters converted so far. */
    public long weightBytes() {
        return weights.bytes();
    }

    /** Video frames decoded from {@code latentFrames}: 1 + 4·(F - 1) for Wan2.1. */
    public int videoFrames(int latentFrames) {
        return latentFrames == 0 ? 0 : 1 + config.temporalFactor() * (latentFrames - 1);
    }

    /**
     * Decodes z [B, zDim, F, h, w] (normalised, as the diffusion model produces it) chunk by chunk into
     * {@code sink}: frames [B, 3, n, 8h, 8w] before clamping. Only one chunk's activations and the causal caches
     * are live in {@code ws} at a time; everything is given back before returning.
     */
    public void decode(Tensor z, DecodedChunkConsumer sink, Backend be, Workspace ws) {
        checkRank(z, "latent z", config.zDim());
        long b = z.dim(0), h = z.dim(3), w = z.dim(4);
        int first = 0;
        try (FrameCache cache = new FrameCache(ws, be.memory())) {
            WanLayers l = new WanLayers(weights, be, ws, cache);
            for (long f = 0; f < z.dim(2); f++) {
                Tensor lat = ws.allocate(DType.F32, b, config.zDim(), 1, h, w);
                be.memory().copy(z.narrow(2, f, 1), lat);
                be.pointwise().binary(BinaryOp.DIV, lat, invStd, lat);
                be.pointwise().binary(BinaryOp.ADD, lat, mean, lat);
                Tensor x = l.next(lat, l.pointConv(lat, "conv2"));
                Tensor frames = l.next(x, WanDecoder.chunk(l, config, x));
                sink.accept(frames, first);
                first += (int) frames.dim(2);
                ws.release(frames);
            }
        }
    }

    /** The whole video [B, 3, 1 + 4(F - 1), 8h, 8w] before clamping (see {@link #clampToUnit}). */
    public Tensor decode(Tensor z, Backend be, Workspace ws) {
        checkRank(z, "latent z", config.zDim());
        int s = config.spatialFactor();
        Tensor out = ws.allocate(DType.F32, z.dim(0), 3, videoFrames((int) z.dim(2)), s * z.dim(3), s * z.dim(4));
        decode(z, (frames, first) -> be.memory().copy(frames, out.narrow(2, first, frames.dim(2))), be, ws);
        return out;
    }

    /**
     * The normalised posterior mean [B, zDim, 1 + (T - 1)/4, H/8, W/8] of a video [B, 3, T, H, W] in [-1, 1], with
     * T = 1 + 4k and H, W multiples of 8: what a video-to-video pipeline starts from.
     */
    public Tensor encode(Tensor video, Backend be, Workspace ws) {
        checkRank(video, "video", 3);
        int tf = config.temporalFactor();
        int s = config.spatialFactor();
        long b = video.dim(0), t = video.dim(2), hh = video.dim(3), ww = video.dim(4);
        if ((t - 1) % tf != 0 || hh % s != 0 || ww % s != 0) {
            throw new IllegalArgumentException("Wan VAE encode needs 1 + " + tf + "k frames of a multiple of " + s
                    + " pixels per side, got video " + video.shape());
        }
        int z = config.zDim();
        long chunks = 1 + (t - 1) / tf;
        Tensor out = ws.allocate(DType.F32, b, z, chunks, hh / s, ww / s);
        try (FrameCache cache = new FrameCache(ws, be.memory())) {
            WanLayers l = new WanLayers(weights, be, ws, cache);
            for (long i = 0; i < chunks; i++) {
                long start = i == 0 ? 0 : 1 + tf * (i - 1);
                long n = i == 0 ? 1 : tf;
                Tensor x = ws.allocate(DType.F32, b, 3, n, hh, ww);
                be.memory().copy(video.narrow(2, start, n), x);
                Tensor enc = l.next(x, WanEncoder.chunk(l, config, x)); // [B, 2z, 1, h, w]
                Tensor moments = l.next(enc, l.pointConv(enc, "conv1"));
                Tensor mu = ws.allocate(DType.F32, b, z, 1, hh / s, ww / s);
                be.memory().copy(moments.narrow(1, 0, z), mu);
                ws.release(moments);
                be.pointwise().binary(BinaryOp.SUB, mu, mean, mu);
                be.pointwise().binary(BinaryOp.MUL, mu, invStd, mu);
                be.memory().copy(mu, out.narrow(2, i, 1));
                ws.release(mu);
            }
        }
        return out;
    }

    /** Clamps x to [-1, 1] in place, as {@code WanVAE.decode} does after decoding. */
    public static void clampToUnit(Tensor x, Backend be, Workspace ws) {
        long w = x.dim(-1);
        Tensor lo = ws.allocate(DType.F32, w);
        Tensor hi = ws.allocate(DType.F32, w);
        be.memory().fill(lo, -1f);
        be.memory().fill(hi, 1f);
        be.pointwise().binary(BinaryOp.MAX, x, lo, x);
        be.pointwise().binary(BinaryOp.MIN, x, hi, x);
        ws.release(lo);
        ws.release(hi);
    }

    private static void checkRank(Tensor t, String what, int channels) {
        if (t.rank() != 5 || t.dim(1) != channels) {
            throw new IllegalArgumentException(what + " must be [B, " + channels + ", T, H, W], got " + t.shape());
        }
    }

    @Override
    public void close() {
        weights.close();
    }
}
