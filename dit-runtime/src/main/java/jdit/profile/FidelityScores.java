package jdit.profile;

import java.util.ArrayList;
import java.util.List;
import jdit.backend.Backend;
import jdit.backend.Transfers;
import jdit.pipeline.VideoDecoder;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Scores final latents against the dense run's: on the decoded frames when the model has a decoder ([-1, 1] mapped
 * to [0, 255] as an 8-bit picture would be, each frame's channels as planes), else on the latents themselves, each
 * (channel, frame) a plane, mapped to [0, 255] by the dense latent's own range.
 */
final class FidelityScores {
    /** PSNR (infinite when identical), SSIM, and the seconds the decode took (0 for latents). */
    record Score(double psnr, double ssim, double decodeSeconds) {
    }

    private record Planes(float[] values, int planes, int height, int width, double decodeSeconds) {
    }

    private final ProfiledModel model;
    private final Backend be;
    private final Workspace ws;
    private final Planes reference;
    private final double offset;
    private final double scale;

    private FidelityScores(ProfiledModel model, Backend be, Workspace ws, Tensor dense) {
        this.model = model;
        this.be = be;
        this.ws = ws;
        Planes raw = planes(dense);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float v : raw.values()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        boolean decoded = model.decoder().isPresent();
        this.offset = decoded ? -1 : lo;
        this.scale = decoded ? 127.5 : hi > lo ? 255 / (hi - lo) : 1;
        this.reference = mapped(raw);
    }

    static FidelityScores against(Tensor dense, ProfiledModel model, Backend be, Workspace ws) {
        return new FidelityScores(model, be, ws, dense);
    }

    /** "decoded frames" or "latents". */
    String space() {
        return model.decoder().isPresent() ? "decoded frames" : "latents";
    }

    /** The dense run's own decode time (0 for latents). */
    double referenceDecodeSeconds() {
        return reference.decodeSeconds();
    }

    Score of(Tensor latent) {
        Planes p = mapped(planes(latent));
        return new Score(Fidelity.psnr(reference.values(), p.values(), 255),
                Fidelity.ssim(reference.values(), p.values(), p.planes(), p.height(), p.width(), 255), p.decodeSeconds());
    }

    private Planes mapped(Planes p) {
        float[] v = new float[p.values().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((p.values()[i] - offset) * scale);
        }
        return new Planes(v, p.planes(), p.height(), p.width(), p.decodeSeconds());
    }

    private Planes planes(Tensor latent) {
        int h = (int) latent.dim(3);
        int w = (int) latent.dim(4);
        if (model.decoder().isEmpty()) {
            return new Planes(Transfers.floats(latent, be.memory()), (int) (latent.numel() / ((long) h * w)), h, w, 0);
        }
        VideoDecoder decoder = model.decoder().get();
        List<float[]> chunks = new ArrayList<>();
        int[] dims = new int[3];
        long t0 = System.nanoTime();
        decoder.decode(latent, (frames, first) -> { // [1, 3, n, H, W] -> n frames of 3 planes
            Tensor perFrame = ws.allocate(DType.F32, frames.dim(2), 3, frames.dim(3), frames.dim(4));
            be.memory().copy(frames.select(0, 0).transpose(0, 1), perFrame);
            chunks.add(Transfers.floats(perFrame, be.memory()));
            ws.release(perFrame);
            dims[0] += (int) frames.dim(2) * 3;
            dims[1] = (int) frames.dim(3);
            dims[2] = (int) frames.dim(4);
        }, be, ws);
        double seconds = (System.nanoTime() - t0) / 1e9;
        ws.releaseAll();
        float[] all = new float[chunks.stream().mapToInt(c -> c.length).sum()];
        int at = 0;
        for (float[] c : chunks) {
            System.arraycopy(c, 0, all, at, c.length);
            at += c.length;
        }
        return new Planes(all, dims[0], dims[1], dims[2], seconds);
    }
}
