package jdit.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdit.cli.output.FrameSink;
import jdit.cli.output.Mp4Sink;
import jdit.cli.output.PngFramesSink;
import jdit.cli.output.PngText;
import jdit.cli.output.Rgb8Image;
import jdit.pipeline.VideoDecoder;
import jdit.tensor.Tensor;

/** Where a generated video goes: an MP4 or a folder of PNG frames, chosen by --format or the output name. */
final class VideoOutput {
    private VideoOutput() {
    }

    static Path path(GenerateCommand o) {
        return o.output != null ? o.output : Path.of(o.format == GenerateCommand.VideoFormat.png_frames ? "out-frames" : "out.mp4");
    }

    /** A sink for {@code width} x {@code height} frames at {@code fps}, carrying {@code parameters}. */
    static FrameSink open(GenerateCommand o, int width, int height, double fps, Map<String, String> parameters) throws IOException {
        Path out = path(o);
        boolean mp4 = o.format != null ? o.format == GenerateCommand.VideoFormat.mp4
                : out.getFileName().toString().toLowerCase().endsWith(".mp4");
        if (mp4) {
            if (!out.getFileName().toString().toLowerCase().endsWith(".mp4")) {
                throw new IllegalArgumentException("--format mp4 needs an --output ending in .mp4, got " + out);
            }
            Map<String, String> meta = new LinkedHashMap<>(parameters);
            meta.put("comment", String.join(" ", parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
            return new Mp4Sink(out, width, height, fps, meta);
        }
        List<PngText> texts = new ArrayList<>();
        parameters.forEach((k, v) -> texts.add(new PngText(k, v)));
        return new PngFramesSink(out, texts);
    }

    /** Feeds decoded chunks [1, 3, n, H, W] to {@code sink} frame by frame, quantised as for images. */
    static VideoDecoder.ChunkSink frames(FrameSink sink) {
        return (Tensor chunk, int first) -> {
            for (int i = 0; i < chunk.dim(2); i++) {
                try {
                    sink.accept(Rgb8Image.fromSigned(chunk.select(0, 0).select(1, i)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
