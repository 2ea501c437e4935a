package jdit.backend;

/**
 * Stride and zero padding of a 3-D convolution over (T, H, W). Time padding is given per side so that causal
 * convolutions (Wan's {@code CausalConv3d} pads {@code 2·p} frames in front and none behind) are expressed
 * directly.
 */
public record Conv3dSpec(int strideT, int strideH, int strideW, int padFront, int padBack, int padH, int padW) {
    public Conv3dSpec {
        if (strideT < 1 || strideH < 1 || strideW < 1 || padFront < 0 || padBack < 0 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("invalid conv3d spec " + this);
        }
    }

    /** Symmetric padding {@code (pt, ph, pw)}, as {@code nn.Conv3d(padding=...)}. */
    public static Conv3dSpec symmetric(int stride, int padT, int padH, int padW) {
        return new Conv3dSpec(stride, stride, stride, padT, padT, padH, padW);
    }

    /** Causal in time: {@code 2·padT} frames of zeros in front, none behind; symmetric in space. */
    public static Conv3dSpec causal(int stride, int padT, int padH, int padW) {
        return new Conv3dSpec(stride, stride, stride, 2 * padT, 0, padH, padW);
    }
}
