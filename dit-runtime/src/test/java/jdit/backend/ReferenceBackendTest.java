package jdit.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import jdit.backend.ref.ReferenceMath;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The oracle checked against numbers worked out by hand or from published constants, so it is not circular. */
class ReferenceBackendTest {
    private final Backend ref = Backends.reference();

    @Test
    void layerNormOfOneToFour() {
        try (Arena a = Arena.ofConfined()) {
            Tensor x = Tensor.fromFloats(a, new float[] {1, 2, 3, 4}, 1, 4);
            Tensor out = Tensor.allocate(a, jdit.tensor.DType.F32, 1, 4);
            ref.norms().layerNorm(x, null, null, 0f, out);
            double s = Math.sqrt(1.25); // mean 2.5, biased variance (2.25+0.25+0.25+2.25)/4
            assertArrayEquals(new float[] {(float) (-1.5 / s), (float) (-0.5 / s), (float) (0.5 / s), (float) (1.5 / s)},
                    out.toFloatArray(), 1e-7f);
            Tensor w = Tensor.fromFloats(a, new float[] {2, 2, 2, 2}, 4);
            ref.norms().rmsNorm(x, w, 0f, out);
            double rms = Math.sqrt(30 / 4.0);
            assertEquals(2 * 3 / rms, out.getDouble(0, 2), 1e-6);
        }
    }

    @Test
    void softmaxOfThreeValues() {
        try (Arena a = Arena.ofConfined()) {
            Tensor x = Tensor.fromFloats(a, new float[] {1, 2, 3}, 3);
            Tensor out = Tensor.allocate(a, jdit.tensor.DType.F32, 3);
            ref.pointwise().softmax(x, 0.5f, out);
            double z = Math.exp(0.5) + Math.exp(1) + Math.exp(1.5);
            assertArrayEquals(new float[] {(float) (Math.exp(0.5) / z), (float) (Math.exp(1) / z), (float) (Math.exp(1.5) / z)},
                    out.toFloatArray(), 1e-7f);
        }
    }

    @Test
    void geluAndErfAgainstPublishedValues() {
        assertEquals(0.8413447460685429, ReferenceMath.unary(UnaryOp.GELU_ERF, 1), 1e-13);
        assertEquals(0.8411919906082768, ReferenceMath.unary(UnaryOp.GELU_TANH, 1), 1e-13);
        assertEquals(0.5204998778130465, ReferenceMath.erf(0.5), 1e-14);
        assertEquals(0.9953222650189527, ReferenceMath.erf(2), 1e-14);
        assertEquals(-0.9999992569016276, ReferenceMath.erf(-3.5), 1e-14);
        assertEquals(2 / (1 + Math.exp(-2)), ReferenceMath.unary(UnaryOp.SILU, 2), 1e-15);
    }

    @Test
    void conv2dByHand() {
        try (Arena a = Arena.ofConfined()) {
            // x = 1..9 in a 3x3 image, kernel [[1,0],[0,-1]] (x[i][j] - x[i+1][j+1] = -4 everywhere), bias 0.5
            float[] xv = {1, 2, 3, 4, 5, 6, 7, 8, 9};
            Tensor x = Tensor.fromFloats(a, xv, 1, 1, 3, 3);
            Tensor w = Tensor.fromFloats(a, new float[] {1, 0, 0, -1}, 1, 1, 2, 2);
            Tensor b = Tensor.fromFloats(a, new float[] {0.5f}, 1);
            Tensor out = Tensor.allocate(a, jdit.tensor.DType.F32, 1, 1, 2, 2);
            ref.conv().conv2d(x, w, b, Conv2dSpec.of(1, 0), out);
            assertArrayEquals(new float[] {-3.5f, -3.5f, -3.5f, -3.5f}, out.toFloatArray());
            // padding 1, stride 2: outputs at (-1,-1), (-1,1), (1,-1), (1,1) of the padded grid
            ref.conv().conv2d(x, w, null, Conv2dSpec.of(2, 1), out);
            assertArrayEquals(new float[] {-1, -3, -7, 5 - 9}, out.toFloatArray());
        }
    }

    @Test
    void gemmByHand() {
        try (Arena a = Arena.ofConfined()) {
            Tensor x = Tensor.fromFloats(a, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor y = Tensor.fromFloats(a, new float[] {7, 8, 9, 10, 11, 12}, 3, 2);
            Tensor out = Tensor.allocate(a, jdit.tensor.DType.F32, 2, 2);
            ref.gemm().matmul(x, y, out, Epilogue.NONE);
            assertArrayEquals(new float[] {58, 64, 139, 154}, out.toFloatArray());
            Tensor bias = Tensor.fromFloats(a, new float[] {-100, 1}, 2);
            ref.gemm().matmul(x, y, out, new Epilogue(bias, UnaryOp.RELU, null, 1f, false));
            assertArrayEquals(new float[] {0, 65, 39, 155}, out.toFloatArray());
        }
    }
}
