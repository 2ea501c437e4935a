package jdit.backend;

/** Stride, zero padding, dilation and groups of a 2-D convolution (PyTorch {@code Conv2d} semantics). */
public record Conv2dSpec(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
    public Conv2dSpec {
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("invalid conv2d spec " + this);
        }
    }

    public static Conv2dSpec of(int stride, int pad) {
        return new Conv2dSpec(stride, stride, pad, pad, 1, 1, 1);
    }
}
