package jdit.backend;

import static jdit.testing.Tensors.assertClose;
import static jdit.testing.Tensors.random;
import static jdit.testing.Tensors.zeros;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.util.Random;
import jdit.backend.cpu.CpuBackend;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every CPU op group against the double-precision reference on random non-zero inputs of odd and large sizes.
 * Tolerances: row-wise ops accumulate in float over at most a few thousand terms, so 2e-6 relative to max |ref|
 * (plus 1e-6 absolute) is several times the expected error; element-wise ops are within a few ulps (1e-6).
 */
class CpuOpsTest {
    private static final CpuBackend CPU = CpuBackend.create(2, true);
    private final Backend ref = Backends.reference();
    private final Backend cpu = CPU.backend();
    private final Random r = new Random(42);

    @AfterAll
    static void close() {
        CPU.close();
    }

    private static final long[][] ROWS = {{1, 1}, {1, 7}, {3, 17}, {45, 65}, {8, 1152}, {5, 4097}};

    @Test
    void layerNormWithAndWithoutAffine() {
        try (Arena a = Arena.ofShared()) {
            for (long[] s : ROWS) {
                Tensor x = random(a, r, 2.0, 3.0, s);
                Tensor w = random(a, r, s[1]);
                Tensor b = random(a, r, s[1]);
                for (boolean affine : new boolean[] {false, true}) {
                    Tensor want = zeros(a, s), got = zeros(a, s);
                    ref.norms().layerNorm(x, affine ? w : null, affine ? b : null, 1e-6f, want);
                    cpu.norms().layerNorm(x, affine ? w : null, affine ? b : null, 1e-6f, got);
                    assertClose(want, got, 1e-5, 2e-6, "layerNorm " + java.util.Arrays.toString(s) + " affine=" + affine);
                }
            }
        }
    }

    @Test
    void rmsNormInPlace() {
        try (Arena a = Arena.ofShared()) {
            for (long[] s : ROWS) {
                Tensor x = random(a, r, s);
                Tensor w = random(a, r, s[1]);
                Tensor want = zeros(a, s);
                ref.norms().rmsNorm(x, w, 1e-6f, want);
                cpu.norms().rmsNorm(x, w, 1e-6f, x); // out aliases x
                assertClose(want, x, 1e-6, 2e-6, "rmsNorm " + java.util.Arrays.toString(s));
            }
        }
    }

    @Test
    void groupNormAllGroupings() {
        try (Arena a = Arena.ofShared()) {
            long[][] shapes = {{2, 32, 5, 7}, {1, 6, 3, 4, 5}, {1, 64, 16, 16}};
            for (long[] s : shapes) {
                for (int groups : new int[] {1, 2, (int) s[1]}) {
                    Tensor x = random(a, r, 1.0, 2.0, s);
                    Tensor w = random(a, r, s[1]);
                    Tensor b = random(a, r, s[1]);
                    Tensor want = zeros(a, s), got = zeros(a, s);
                    ref.norms().groupNorm(x, groups, w, b, 1e-6f, want);
                    cpu.norms().groupNorm(x, groups, w, b, 1e-6f, got);
                    assertClose(want, got, 1e-5, 3e-6, "groupNorm " + java.util.Arrays.toString(s) + " groups " + groups);
                }
            }
        }
    }

    @Test
    void softmaxWithLargeValuesAndScale() {
        try (Arena a = Arena.ofShared()) {
            for (long[] s : ROWS) {
                Tensor x = random(a, r, 50.0, 30.0, s); // exp would overflow without subtracting the max
                Tensor want = zeros(a, s), got = zeros(a, s);
                ref.pointwise().softmax(x, 0.125f, want);
                cpu.pointwise().softmax(x, 0.125f, got);
                assertClose(want, got, 1e-7, 2e-6, "softmax " + java.util.Arrays.toString(s));
            }
        }
    }

    @Test
    void unaryOpsContiguousAndStrided() {
        try (Arena a = Arena.ofShared()) {
            Tensor x = random(a, r, 0.0, 3.0, 45, 65);
            for (UnaryOp op : UnaryOp.values()) {
                Tensor want = zeros(a, 45, 65), got = zeros(a, 45, 65);
                ref.pointwise().unary(op, x, want);
                cpu.pointwise().unary(op, x, got);
                assertClose(want, got, 2e-6, 2e-6, "unary " + op);
                Tensor wantT = zeros(a, 65, 45), gotT = zeros(a, 65, 45);
                ref.pointwise().unary(op, x.transpose(0, 1), wantT);
                cpu.pointwise().unary(op, x.transpose(0, 1), gotT);
                assertClose(wantT, gotT, 2e-6, 2e-6, "unary strided " + op);
            }
        }
    }

    @Test
    void binaryOpsWithBroadcasting() {
        try (Arena a = Arena.ofShared()) {
            Tensor x = random(a, r, 7, 33);
            Tensor same = random(a, r, 1.0, 0.5, 7, 33);
            Tensor row = random(a, r, 1.0, 0.5, 33);
            Tensor col = random(a, r, 1.0, 0.5, 7, 1);
            for (BinaryOp op : BinaryOp.values()) {
                for (Tensor b : new Tensor[] {same, row, col}) {
                    Tensor want = zeros(a, 7, 33), got = zeros(a, 7, 33);
                    ref.pointwise().binary(op, x, b, want);
                    cpu.pointwise().binary(op, x, b, got);
                    assertClose(want, got, 1e-6, 1e-6, "binary " + op + " with " + b.shape());
                }
            }
            assertThrows(IllegalArgumentException.class, () -> cpu.pointwise().binary(BinaryOp.ADD, x, random(a, r, 5), zeros(a, 7, 33)));
            // rank 3 with b broadcast over leading and middle dims (a per-batch gate [B, 1, C], a bias [C], [N, C])
            Tensor x3 = random(a, r, 3, 17, 37);
            for (long[] bs : new long[][] {{3, 1, 37}, {37}, {17, 37}, {1, 17, 37}, {3, 17, 37}}) {
                Tensor b = random(a, r, 1.0, 0.5, bs);
                for (BinaryOp op : BinaryOp.values()) {
                    Tensor want = zeros(a, 3, 17, 37), got = zeros(a, 3, 17, 37);
                    ref.pointwise().binary(op, x3, b, want);
                    cpu.pointwise().binary(op, x3, b, got);
                    assertClose(want, got, 1e-6, 1e-6, "binary " + op + " with " + b.shape());
                }
            }
        }
    }

    @Test
    void scaleAddAndModulate() {
        try (Arena a = Arena.ofShared()) {
            Tensor x = random(a, r, 3, 17, 37);
            Tensor y = random(a, r, 3, 17, 37);
            Tensor want = zeros(a, 3, 17, 37), got = zeros(a, 3, 17, 37);
            ref.pointwise().scaleAdd(x, 0.3f, y, -1.7f, want);
            cpu.pointwise().scaleAdd(x, 0.3f, y, -1.7f, got);
            assertClose(want, got, 1e-6, 1e-6, "scaleAdd");
            for (long[] ps : new long[][] {{3, 37}, {3, 17, 37}}) {
                Tensor shift = random(a, r, ps);
                Tensor scale = random(a, r, ps);
                ref.pointwise().modulate(x, shift, scale, want);
                cpu.pointwise().modulate(x, shift, scale, got);
                assertClose(want, got, 1e-6, 1e-6, "modulate " + java.util.Arrays.toString(ps));
                Tensor gate = random(a, r, ps);
                ref.pointwise().gatedAdd(x, y, gate, want);
                cpu.pointwise().gatedAdd(x, y, gate, got);
                assertClose(want, got, 1e-6, 1e-6, "gatedAdd " + java.util.Arrays.toString(ps));
                Tensor inPlace = zeros(a, 3, 17, 37);
                x.copyTo(inPlace);
                cpu.pointwise().gatedAdd(inPlace, y, gate, inPlace);
                assertClose(want, inPlace, 1e-6, 1e-6, "gatedAdd in place");
            }
        }
    }

    @Test
    void ropeBothStyles() {
        try (Arena a = Arena.ofShared()) {
            Tensor x = random(a, r, 2, 11, 3, 16);
            Tensor ang = random(a, r, 0.0, 3.0, 11, 8);
            Tensor cos = zeros(a, 11, 8), sin = zeros(a, 11, 8);
            ref.pointwise().unary(UnaryOp.IDENTITY, ang, cos);
            for (long i = 0; i < ang.numel(); i++) {
                cos.setDoubleAt(i, Math.cos(ang.getDoubleAt(i)));
                sin.setDoubleAt(i, Math.sin(ang.getDoubleAt(i)));
            }
            for (RopeStyle style : RopeStyle.values()) {
                Tensor want = zeros(a, 2, 11, 3, 16), got = zeros(a, 2, 11, 3, 16);
                ref.pointwise().rope(x, cos, sin, style, want);
                cpu.pointwise().rope(x, cos, sin, style, got);
                assertClose(want, got, 1e-6, 1e-6, "rope " + style);
            }
        }
    }

    @Test
    void reductionsAlongEveryAxis() {
        try (Arena a = Arena.ofShared()) {
            Tensor x = random(a, r, 4, 9, 33);
            for (ReduceOp op : ReduceOp.values()) {
                for (int axis = 0; axis < 3; axis++) {
                    long[] s = x.shape().toArray();
                    s[axis] = 1;
                    Tensor want = zeros(a, s), got = zeros(a, s);
                    ref.reductions().reduce(op, x, axis, want);
                    cpu.reductions().reduce(op, x, axis, got);
                    assertClose(want, got, 1e-6, 1e-6, "reduce " + op + " axis " + axis);
                }
            }
        }
    }

    @Test
    void conv2dStridePaddingDilationGroups() {
        try (Arena a = Arena.ofShared()) {
            record Case(long n, long c, long h, long w, long o, int k, Conv2dSpec s) { }
            Case[] cases = {
                new Case(2, 3, 9, 11, 5, 3, Conv2dSpec.of(1, 1)),
                new Case(1, 4, 10, 7, 6, 3, Conv2dSpec.of(2, 1)),
                new Case(1, 4, 9, 9, 4, 3, new Conv2dSpec(1, 1, 2, 2, 2, 2, 1)),
                new Case(1, 6, 8, 8, 6, 3, new Conv2dSpec(1, 1, 1, 1, 1, 1, 6)),
                new Case(1, 8, 5, 6, 4, 1, new Conv2dSpec(1, 1, 0, 0, 1, 1, 2)),
                new Case(1, 3, 16, 16, 8, 2, Conv2dSpec.of(2, 0))};
            for (Case cs : cases) {
                Tensor x = random(a, r, cs.n, cs.c, cs.h, cs.w);
                Tensor w = random(a, r, cs.o, cs.c / cs.s.groups(), cs.k, cs.k);
                Tensor b = random(a, r, cs.o);
                long ho = (cs.h + 2L * cs.s.padH() - cs.s.dilationH() * (cs.k - 1) - 1) / cs.s.strideH() + 1;
                long wo = (cs.w + 2L * cs.s.padW() - cs.s.dilationW() * (cs.k - 1) - 1) / cs.s.strideW() + 1;
                Tensor want = zeros(a, cs.n, cs.o, ho, wo), got = zeros(a, cs.n, cs.o, ho, wo);
                ref.conv().conv2d(x, w, b, cs.s, want);
                cpu.conv().conv2d(x, w, b, cs.s, got);
                assertClose(want, got, 1e-5, 2e-6 * cs.c * cs.k, "conv2d " + cs);
            }
        }
    }

    @Test
    void conv3dSymmetricAndCausal() {
        try (Arena a = Arena.ofShared()) {
            Tensor x = random(a, r, 1, 3, 5, 6, 7);
            Tensor w = random(a, r, 4, 3, 3, 3, 3);
            Tensor b = random(a, r, 4);
            for (Conv3dSpec s : new Conv3dSpec[] {Conv3dSpec.symmetric(1, 1, 1, 1), Conv3dSpec.causal(1, 1, 1, 1),
                new Conv3dSpec(2, 1, 1, 2, 0, 1, 1), new Conv3dSpec(1, 2, 2, 0, 0, 0, 0)}) {
                long to = (5 + s.padFront() + s.padBack() - 3) / s.strideT() + 1;
                long ho = (6 + 2L * s.padH() - 3) / s.strideH() + 1;
                long wo = (7 + 2L * s.padW() - 3) / s.strideW() + 1;
                Tensor want = zeros(a, 1, 4, to, ho, wo), got = zeros(a, 1, 4, to, ho, wo);
                ref.conv().conv3d(x, w, b, s, want);
                cpu.conv().conv3d(x, w, b, s, got);
                assertClose(want, got, 1e-5, 1e-5, "conv3d " + s);
            }
        }
    }
}
