package jdit.backend.ref;

import jdit.backend.Epilogue;
import jdit.backend.Gemm;
import jdit.tensor.Tensor;

/** The triple loop, accumulating in double, with the epilogue applied in double. */
public final class ReferenceGemm implements Gemm {
    @Override
    public void matmul(Tensor a, Tensor b, Tensor out, Epilogue ep) {
        long k = a.dim(-1);
        long n = ep.transposedB() ? b.dim(0) : b.dim(1);
        long m = a.numel() / k;
        if ((ep.transposedB() ? b.dim(1) : b.dim(0)) != k || out.numel() != m * n) {
            throw new IllegalArgumentException("gemm shapes do not agree: a " + a.shape() + ", b " + b.shape() + ", out " + out.shape());
        }
        double[] res = ep.residual() == null ? null : ep.residual().toDoubleArray();
        double[] result = new double[(int) (m * n)];
        for (long i = 0; i < m; i++) {
            for (long j = 0; j < n; j++) {
                double s = 0;
                for (long p = 0; p < k; p++) {
                    double bv = ep.transposedB() ? b.getDouble(j, p) : b.getDouble(p, j);
                    s += a.getDoubleAt(i * k + p) * bv;
                }
                s *= ep.alpha();
                if (ep.bias() != null) {
                    s += ep.bias().getDoubleAt(j);
                }
                s = ReferenceMath.unary(ep.activation(), s);
                if (res != null) {
                    s += res[(int) (i * n + j)];
                }
                result[(int) (i * n + j)] = s;
            }
        }
        for (int i = 0; i < result.length; i++) {
            out.setDoubleAt(i, result[i]);
        }
    }

    @Override
    public void batchedMatmul(Tensor a, Tensor b, Tensor out, Epilogue ep) {
        for (long i = 0; i < a.dim(0); i++) {
            Tensor r = ep.residual() == null ? null : ep.residual().select(0, i);
            matmul(a.select(0, i), b.select(0, i), out.select(0, i), ep.withResidual(r));
        }
    }
}
