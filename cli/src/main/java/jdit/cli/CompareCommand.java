package jdit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import jdit.cli.quality.FrameQuality;
import jdit.cli.quality.FrameSource;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jdit compare A B}: PSNR and SSIM between two images or two videos, frame by frame and mean. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"PSNR and SSIM of B against A through OpenCV's quality module: two images (PNG, JPEG, ...), two",
            "videos (MP4 or anything FFmpeg reads) or two folders of PNG frames, with the same frame count and size.",
            "Prints a line per frame for videos and the means; PSNR is 'inf' for identical frames (the mean PSNR is",
            "then taken over the differing frames only, 'inf' when all are identical)."})
final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "A", description = "The reference: an image, a video or a folder of PNG frames.")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "What is compared against A, of the same kind and size.")
    Path b;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws IOException {
        List<Mat> ref = FrameSource.read(a);
        List<Mat> cmp = List.of();
        try {
            cmp = FrameSource.read(b);
            if (ref.size() != cmp.size()) {
                throw new IllegalArgumentException(a + " has " + ref.size() + " frame(s), " + b + " has " + cmp.size());
            }
            List<FrameQuality> q = new ArrayList<>();
            for (int i = 0; i < ref.size(); i++) {
                q.add(FrameQuality.of(ref.get(i), cmp.get(i)));
            }
            print(q, ref.getFirst().cols(), ref.getFirst().rows());
            return 0;
        } finally {
            ref.forEach(Mat::close);
            cmp.forEach(Mat::close);
        }
    }

    /** Plain types only: picocli reflects over a command's methods, and a GPU bundle without OpenCV must still start. */
    private void print(List<FrameQuality> q, int width, int height) {
        PrintWriter out = spec.commandLine().getOut();
        if (q.size() > 1) {
            out.printf("%-6s %10s %8s%n", "frame", "PSNR dB", "SSIM");
            for (int i = 0; i < q.size(); i++) {
                out.printf(Locale.ROOT, "%-6d %10s %8.5f%n", i, db(q.get(i).psnr()), q.get(i).ssim());
            }
        }
        double psnr = q.stream().mapToDouble(FrameQuality::psnr).filter(Double::isFinite).average().orElse(Double.POSITIVE_INFINITY);
        double ssim = q.stream().mapToDouble(FrameQuality::ssim).average().orElse(1);
        out.printf(Locale.ROOT, "%s%d frame(s) of %dx%d: PSNR %s dB, SSIM %.5f%n", q.size() > 1 ? "mean over " : "", q.size(),
                width, height, db(psnr), ssim);
        out.flush();
    }

    private static String db(double v) {
        return Double.isInfinite(v) ? "inf" : String.format(Locale.ROOT, "%.2f", v);
    }
}
