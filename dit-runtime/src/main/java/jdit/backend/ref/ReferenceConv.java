package jdit.backend.ref;

import jdit.backend.Conv;
import jdit.backend.Conv2dSpec;
import jdit.backend.Conv3dSpec;
import jdit.tensor.Tensor;

/** Direct convolution loops in double (cross-correlation with zero padding, as PyTorch). */
public final class ReferenceConv implements Conv {
    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec s, Tensor out) {
        long n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
        long o = w.dim(0), cg = w.dim(1), kh = w.dim(2), kw = w.dim(3);
        long og = o / s.groups();
        for (long b = 0; b < n; b++) {
            for (long oc = 0; oc < o; oc++) {
                long g = oc / og;
                for (long y = 0; y < out.dim(2); y++) {
                    for (long xx = 0; xx < out.dim(3); xx++) {
                        double acc = bias == null ? 0 : bias.getDoubleAt(oc);
                        for (long ic = 0; ic < cg; ic++) {
                            for (long ky = 0; ky < kh; ky++) {
                                long iy = y * s.strideH() - s.padH() + ky * s.dilationH();
                                for (long kx = 0; kx < kw; kx++) {
                                    long ix = xx * s.strideW() - s.padW() + kx * s.dilationW();
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        acc += x.getDouble(b, g * cg + ic, iy, ix) * w.getDouble(oc, ic, ky, kx);
                                    }
                                }
                            }
                        }
                        out.setDouble(acc, b, oc, y, xx);
                    }
                }
            }
        }
        if (c != cg * s.groups()) {
            throw new IllegalArgumentException("conv2d: " + c + " input channels, weight " + w.shape() + ", groups " + s.groups());
        }
    }

    @Override
    public void conv3d(Tensor x, Tensor w, Tensor bias, Conv3dSpec s, Tensor out) {
        long n = x.dim(0), c = x.dim(1), t = x.dim(2), h = x.dim(3), wd = x.dim(4);
        long o = w.dim(0), kt = w.dim(2), kh = w.dim(3), kw = w.dim(4);
        for (long b = 0; b < n; b++) {
            for (long oc = 0; oc < o; oc++) {
                for (long z = 0; z < out.dim(2); z++) {
                    for (long y = 0; y < out.dim(3); y++) {
                        for (long xx = 0; xx < out.dim(4); xx++) {
                            double acc = bias == null ? 0 : bias.getDoubleAt(oc);
                            for (long ic = 0; ic < c; ic++) {
                                for (long kz = 0; kz < kt; kz++) {
                                    long iz = z * s.strideT() - s.padFront() + kz;
                                    for (long ky = 0; ky < kh; ky++) {
                                        long iy = y * s.strideH() - s.padH() + ky;
                                        for (long kx = 0; kx < kw; kx++) {
                                            long ix = xx * s.strideW() - s.padW() + kx;
                                            if (iz >= 0 && iz < t && iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                                acc += x.getDouble(b, ic, iz, iy, ix) * w.getDouble(oc, ic, kz, ky, kx);
                                            }
                                        }
                                    }
                                }
                            }
                            out.setDouble(acc, b, oc, z, y, xx);
                        }
                    }
                }
            }
        }
    }
}
