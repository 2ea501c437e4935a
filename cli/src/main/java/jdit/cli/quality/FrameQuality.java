package jdit.cli.quality;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_quality.QualityMSE;
import org.bytedeco.opencv.opencv_quality.QualitySSIM;

/**
 * PSNR and SSIM of one frame against a reference, through OpenCV's quality module: PSNR from the mean squared error
 * over all channels (10·log10(255² / MSE), infinite when equal), SSIM the mean of the per-channel SSIMs.
 */
public record FrameQuality(double psnr, double ssim) {
    public static FrameQuality of(Mat reference, Mat frame) {
        if (reference.rows() != frame.rows() || reference.cols() != frame.cols() || reference.channels() != frame.channels()) {
            throw new IllegalArgumentException("frames differ in size: " + reference.cols() + "x" + reference.rows() + "x"
                    + reference.channels() + " and " + frame.cols() + "x" + frame.rows() + "x" + frame.channels());
        }
        int channels = reference.channels();
        double mse;
        double ssim;
        try (Mat noMap = new Mat(); Scalar m = QualityMSE.compute(reference, frame, noMap);
             Scalar s = QualitySSIM.compute(reference, frame, noMap)) {
            mse = mean(m, channels);
            ssim = mean(s, channels);
        }
        return new FrameQuality(mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse), ssim);
    }

    private static double mean(Scalar s, int channels) {
        double sum = 0;
        for (int c = 0; c < channels; c++) {
            sum += s.get(c);
        }
        return sum / channels;
    }
}
