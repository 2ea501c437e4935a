package jdit.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkspaceTest {
    @Test
    void releasedSlabsAreReusedForTheSameSizeClass() {
        try (Workspace ws = new Workspace()) {
            Tensor a = ws.allocate(DType.F32, 1000, 100);
            long addr = a.segment().address();
            ws.release(a);
            Tensor b = ws.allocate(DType.F32, 999, 100); // same size class
            assertEquals(addr, b.segment().address());
            Tensor c = ws.allocate(DType.F32, 1000, 100); // a second live one needs a new slab
            assertNotEquals(addr, c.segment().address());
            assertEquals(Workspace.sizeClass(400_000L) * 2, ws.reservedBytes());
            assertThrows(IllegalArgumentException.class, () -> ws.release(a.reshape(-1)) );
        }
    }

    @Test
    void scratchGoesBackAtEndOfStepAndPeakIsTracked() {
        try (Workspace ws = new Workspace()) {
            long a = ws.scratch(DType.F32, 4096).segment().address();
            long b = ws.scratch(DType.F32, 4096).segment().address();
            assertEquals(2 * Workspace.sizeClass(16384), ws.peakBytes());
            ws.endStep();
            java.util.Set<Long> reused = java.util.Set.of(
                    ws.allocate(DType.F32, 4096).segment().address(), ws.allocate(DType.F32, 4096).segment().address());
            assertEquals(java.util.Set.of(a, b), reused);
            assertEquals(2 * Workspace.sizeClass(16384), ws.reservedBytes());
        }
    }

    @Test
    void sizeClassesWasteAtMostAnEighth() {
        for (long b = 1; b < 5_000_000; b = b * 3 + 1) {
            long c = Workspace.sizeClass(b);
            assertTrue(c >= b && c >= 256, "class " + c + " for " + b);
            assertTrue(b < 256 || c - b <= b / 8 + 1, "waste " + (c - b) + " for " + b);
        }
    }

    @Test
    void allocateZeroedIsZeroAfterReuse() {
        try (Workspace ws = new Workspace()) {
            Tensor a = ws.allocate(DType.F32, 64);
            a.segment().fill((byte) 7);
            ws.release(a);
            Tensor z = ws.allocateZeroed(DType.F32, 64);
            for (float f : z.toFloatArray()) {
                assertEquals(0f, f);
            }
        }
    }
}
