package jdit.cli.output;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * An H.264 MP4 through FFmpeg (javacv's {@code FFmpegFrameRecorder}), written under a temporary name beside the
 * destination and moved into place by {@link #finish()}. The generation parameters go into the container's metadata
 * (readable with {@code ffprobe}). Frames are 8-bit RGB, converted to YUV 4:2:0 by FFmpeg, so width and height must
 * be even.
 */
public final class Mp4Sink implements FrameSink {
    private final Path target;
    private final Path tmp;
    private final FFmpegFrameRecorder recorder;
    private final Frame frame;
    private int frames;
    private boolean finished;

    public Mp4Sink(Path target, int width, int height, double fps, Map<String, String> metadata) throws IOException {
        if (width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("H.264 needs even sides, got " + width + "x" + height);
        }
        this.target = target;
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        this.tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part.mp4");
        tmp.toFile().deleteOnExit();
        // FFmpeg's own log would print the container and stream layout on every run: errors only
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
        recorder = new FFmpegFrameRecorder(tmp.toFile(), width, height, 0);
        recorder.setFormat("mp4");
        recorder.setVideoCodec(AV_CODEC_ID_H264);
        recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(fps);
        recorder.setVideoQuality(18); // constant quality where the encoder supports it: visually lossless
        recorder.setMetadata(metadata);
        frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
        try {
            recorder.start();
        } catch (FrameRecorder.Exception e) {
            Files.deleteIfExists(tmp);
            throw new IOException("FFmpeg could not start an H.264 MP4 at " + width + "x" + height + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void accept(Rgb8Image image) throws IOException {
        if (image.width() != frame.imageWidth || image.height() != frame.imageHeight) {
            throw new IllegalArgumentException("frame " + image.width() + "x" + image.height() + " in a "
                    + frame.imageWidth + "x" + frame.imageHeight + " video");
        }
        ByteBuffer buf = (ByteBuffer) frame.image[0];
        int stride = frame.imageStride;
        byte[] rgb = image.rgb();
        byte[] row = new byte[image.width() * 3];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) { // javacv's 3-channel frames are B, G, R
                int s = (y * image.width() + x) * 3;
                row[3 * x] = rgb[s + 2];
                row[3 * x + 1] = rgb[s + 1];
                row[3 * x + 2] = rgb[s];
            }
            buf.position(y * stride);
            buf.put(row);
        }
        buf.position(0);
        try {
            recorder.record(frame);
        } catch (FrameRecorder.Exception e) {
            throw new IOException("FFmpeg failed on frame " + frames + ": " + e.getMessage(), e);
        }
        frames++;
    }

    @Override
    public void finish() throws IOException {
        try {
            recorder.stop();
        } catch (FrameRecorder.Exception e) {
            throw new IOException("FFmpeg could not finish the MP4: " + e.getMessage(), e);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        finished = true;
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public void close() throws IOException {
        try {
            recorder.release();
        } catch (FrameRecorder.Exception e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            frame.close();
            if (!finished) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
