package jdit.api;

import java.util.ArrayList;
import java.util.List;
import jdit.pipeline.VideoDecoder;
import jdit.tensor.Tensor;

/** Collects decoded chunks [1, 3, n, H, W] (or images [B, 3, H, W]) as in-memory frames. */
final class Frames implements VideoDecoder.ChunkSink {
    private final List<Frame> frames = new ArrayList<>();

    @Override
    public void accept(Tensor chunk, int first) {
        for (int f = 0; f < chunk.dim(2); f++) {
            frames.add(frame(chunk.select(0, 0).select(1, f)));
        }
    }

    void addImages(Tensor images) {
        for (int i = 0; i < images.dim(0); i++) {
            frames.add(frame(images.select(0, i)));
        }
    }

    List<Frame> list() {
        return frames;
    }

    /** [3, H, W] as a frame. */
    private static Frame frame(Tensor chw) {
        int h = (int) chw.dim(1);
        int w = (int) chw.dim(2);
        float[] rgb = new float[3 * h * w];
        int i = 0;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    rgb[i++] = (float) chw.getDouble(c, y, x);
                }
            }
        }
        return new Frame(w, h, rgb);
    }
}
