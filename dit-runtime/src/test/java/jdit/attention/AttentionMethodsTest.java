package jdit.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Lookup by name through the ServiceLoader registration, parameter errors, and the context's checks. */
class AttentionMethodsTest {
    private static final AttentionContext CTX = new AttentionContext(3, 10, 500, 2, 28, GuidanceBranch.BATCHED,
            TokenGrid.image(16, 16), 16, 72);

    @Test
    void denseIsRegisteredAndPlansDense() {
        AttentionMethod m = AttentionMethods.create("dense");
        assertEquals("dense", m.description());
        assertEquals(AttentionPlan.DENSE, m.plan(CTX, null, null, null));
        assertEquals(1.0, m.plan(CTX, null, null, null).density());
    }

    @Test
    void unknownNamesAndStrayParametersAreErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttentionMethods.create("nope"));
        assertTrue(e.getMessage().contains("known: [") && e.getMessage().contains("dense"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AttentionMethods.create("dense:0.5"));
        assertTrue(e.getMessage().contains("'0.5'"), e.getMessage());
    }

    @Test
    void contextRejectsOutOfRangeIndices() {
        assertThrows(IllegalArgumentException.class, () -> new AttentionContext(10, 10, 0, 0, 1,
                GuidanceBranch.UNGUIDED, TokenGrid.image(1, 1), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new AttentionContext(0, 1, 0, 1, 1,
                GuidanceBranch.UNGUIDED, TokenGrid.image(1, 1), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new TokenGrid(0, 4, 4));
        assertEquals(0.3, CTX.progress(), 1e-12);
        assertEquals(256, CTX.grid().tokens());
    }

    @Test
    void recordingKeepsEveryPlanWithItsDensityPerHead() {
        AttentionMethod half = new AttentionMethod() {
            @Override
            public String description() {
                return "half";
            }

            @Override
            public AttentionPlan plan(AttentionContext ctx, jdit.tensor.Tensor q, jdit.tensor.Tensor k, jdit.tensor.Tensor v) {
                HeadBlocks diagonal = HeadBlocks.fromMap(new byte[][] {{1, 0}, {0, 1}});
                return new AttentionPlan.BlockSparse(128, 128, 256, 256, java.util.List.of(diagonal, HeadBlocks.all(2, 2)),
                        ElementMask.ALL);
            }
        };
        RecordingMethod r = new RecordingMethod(half);
        AttentionContext ctx = new AttentionContext(4, 10, 500, 3, 28, GuidanceBranch.CONDITIONAL, TokenGrid.image(16, 16), 2, 72);
        r.plan(ctx, null, null, null);
        assertEquals(1, r.records().size());
        RecordingMethod.PlanRecord rec = r.records().get(0);
        assertEquals(4, rec.step());
        assertEquals(3, rec.layer());
        assertEquals(0.5, rec.headDensity()[0], 1e-12);
        assertEquals(1.0, rec.headDensity()[1], 1e-12);
        assertEquals(0.75, rec.meanDensity(), 1e-12);
        assertTrue(rec.nanos() >= 0 && r.planNanos() == rec.nanos());
        assertEquals("half", r.description());
    }
}
