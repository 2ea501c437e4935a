package jdit.cli.quality;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The frames of an image (PNG, JPEG, ... through OpenCV), a video (MP4 and whatever FFmpeg reads) or a folder of
 * PNG frames (sorted by name), as 8-bit 3-channel BGR matrices. The caller closes them.
 */
public final class FrameSource {
    private static final List<String> IMAGES = List.of(".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff");

    private FrameSource() {
    }

    public static List<Mat> read(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(path + ": no such file or folder");
        }
        if (Files.isDirectory(path)) {
            List<Path> pngs;
            try (Stream<Path> s = Files.list(path)) {
                pngs = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")).sorted().toList();
            }
            if (pngs.isEmpty()) {
                throw new IllegalArgumentException(path + ": a folder of frames must hold .png files, it has none");
            }
            List<Mat> frames = new ArrayList<>();
            for (Path p : pngs) {
                frames.add(image(p));
            }
            return frames;
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (IMAGES.stream().anyMatch(name::endsWith)) {
            return List.of(image(path));
        }
        return video(path);
    }

    /**
     * A copy of a BGR24 frame. FFmpeg pads each row (to 64 bytes here) and javacv derives the frame's channel count
     * from that padded stride (48 px rows of 192 bytes read as 4 channels), so the matrix is built from the known
     * format and the real row stride instead of through javacv's converter.
     */
    private static Mat bgr24(Frame f) {
        ByteBuffer data = (ByteBuffer) f.image[0];
        long stride = (long) f.imageStride * (f.imageDepth / 8);
        try (BytePointer pixels = new BytePointer(data); Mat view = new Mat(f.imageHeight, f.imageWidth, CV_8UC3, pixels, stride)) {
            return view.clone();
        }
    }

    private static Mat image(Path p) {
        Mat m = imread(p.toString(), IMREAD_COLOR);
        if (m == null || m.empty()) {
            throw new IllegalArgumentException(p + ": not an image OpenCV can read");
        }
        return m;
    }

    private static List<Mat> video(Path p) throws IOException {
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
        List<Mat> frames = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(p.toFile())) {
            grabber.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24);
            grabber.start();
            Frame f;
            while ((f = grabber.grabImage()) != null) {
                frames.add(bgr24(f)); // a copy: the grabber reuses its frame buffer
            }
            grabber.stop();
        } catch (FrameGrabber.Exception e) {
            frames.forEach(Mat::close);
            throw new IllegalArgumentException(p + ": neither an image nor a video FFmpeg can read (" + e.getMessage() + ")");
        }
        if (frames.isEmpty()) {
            throw new IllegalArgumentException(p + ": the video has no frames");
        }
        return frames;
    }
}
