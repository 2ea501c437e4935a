package jdit.vae.wan;

import jdit.backend.Conv2dSpec;
import jdit.backend.Conv3dSpec;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * The Wan VAE's {@code Resample}: spatial x2 up or down per frame, and in time where the level says so. The temporal
 * parts keep causal state across chunks in the {@link FrameCache}, with the official first-chunk rules: the first
 * chunk skips the upsampling time conv (latent frame 0 gives one video frame, later ones 2 per upsampler) and later
 * chunks see zeros, not the first chunk, as history; the downsampling time conv passes the first chunk through and
 * convolves (stride 2) every later chunk after the last frame before it.
 */
final class WanResample {
    private WanResample() {
    }

    /**
     * upsample2d/3d: x [B, C, T, H, W] -> [B, C/2, T', 2H, 2W] with T' = 2T when temporal (but on the first chunk),
     * else T. Time conv (3,1,1) C -> 2C, its two halves interleaved as even and odd frames; then per frame nearest
     * x2 ("nearest-exact" at scale 2 picks the same pixels) and a 3x3 conv C -> C/2.
     */
    static Tensor upsample(WanLayers l, Tensor x, String p, boolean temporal) {
        Tensor doubled = null;
        if (temporal && !l.cache.firstVisit(p + ".time_conv")) {
            Tensor tc = l.causalConv(x, p + ".time_conv"); // [B, 2C, T, H, W]
            long b = x.dim(0), c = x.dim(1), t = x.dim(2), h = x.dim(3), w = x.dim(4);
            doubled = l.ws.allocate(DType.F32, b, c, 2 * t, h, w);
            // out frame 2i + j is channel half j of the conv at frame i
            l.be.memory().copy(tc.reshape(b, 2, c, t, h, w).permute(0, 2, 3, 1, 4, 5), doubled.reshape(b, c, t, 2, h, w));
            l.ws.release(tc);
        }
        Tensor in = doubled == null ? x : doubled;
        long b = in.dim(0), c = in.dim(1), t = in.dim(2), h = in.dim(3), w = in.dim(4);
        Tensor up = l.ws.allocate(DType.F32, b * t, c, 2 * h, 2 * w);
        Tensor grid = up.reshape(b, t, c, h, 2, w, 2);
        Tensor frames = in.permute(0, 2, 1, 3, 4); // [B, T, C, H, W]
        for (int dy = 0; dy < 2; dy++) {
            for (int dx = 0; dx < 2; dx++) {
                l.be.memory().copy(frames, grid.select(6, dx).select(4, dy));
            }
        }
        if (doubled != null) {
            l.ws.release(doubled);
        }
        Tensor wt = l.w.get(p + ".resample.1.weight");
        Tensor conv = l.ws.allocate(DType.F32, b * t, wt.dim(0), 2 * h, 2 * w);
        l.be.conv().conv2d(up, wt, l.w.get(p + ".resample.1.bias"), Conv2dSpec.of(1, 1), conv);
        l.ws.release(up);
        return l.next(conv, framesToChannels(l, conv, b, t));
    }

    /**
     * downsample2d/3d: x [B, C, T, H, W] -> [B, C, T', H/2, W/2]. Per frame: zero pad right and bottom by one, 3x3
     * conv with stride 2. Temporal: the first chunk passes through (its last frame remembered); later chunks are
     * convolved by the (3,1,1) time conv with stride 2 after the remembered frame, T' = (T + 1 - 3) / 2 + 1.
     */
    static Tensor downsample(WanLayers l, Tensor x, String p, boolean temporal) {
        long b = x.dim(0), c = x.dim(1), t = x.dim(2), h = x.dim(3), w = x.dim(4);
        Tensor padded = l.ws.allocateZeroed(DType.F32, b * t, c, h + 1, w + 1);
        l.be.memory().copy(x.permute(0, 2, 1, 3, 4), padded.reshape(b, t, c, h + 1, w + 1).narrow(3, 0, h).narrow(4, 0, w));
        Tensor wt = l.w.get(p + ".resample.1.weight");
        Tensor conv = l.ws.allocate(DType.F32, b * t, wt.dim(0), (h - 2) / 2 + 1, (w - 2) / 2 + 1);
        l.be.conv().conv2d(padded, wt, l.w.get(p + ".resample.1.bias"), Conv2dSpec.of(2, 0), conv);
        l.ws.release(padded);
        Tensor y = l.next(conv, framesToChannels(l, conv, b, t));
        if (!temporal) {
            return y;
        }
        String key = p + ".time_conv";
        if (l.cache.firstVisit(key)) {
            l.cache.remember(key, y, 1);
            return y;
        }
        Tensor buf = l.cache.withHistory(key, 1, y);
        l.be.memory().copy(y, buf.narrow(2, 1, t));
        l.ws.release(y);
        Tensor tw = l.w.get(key + ".weight");
        Tensor out = l.ws.allocate(DType.F32, b, tw.dim(0), (t + 1 - 3) / 2 + 1, buf.dim(3), buf.dim(4));
        l.be.conv().conv3d(buf, tw, l.w.get(key + ".bias"), new Conv3dSpec(2, 1, 1, 0, 0, 0, 0), out);
        l.cache.remember(key, buf, 1);
        l.ws.release(buf);
        return out;
    }

    /** [B·T, C, H, W] frames back to [B, C, T, H, W]. */
    private static Tensor framesToChannels(WanLayers l, Tensor frames, long b, long t) {
        long c = frames.dim(1), h = frames.dim(2), w = frames.dim(3);
        Tensor out = l.ws.allocate(DType.F32, b, c, t, h, w);
        l.be.memory().copy(frames.reshape(b, t, c, h, w).permute(0, 2, 1, 3, 4), out);
        return out;
    }
}
