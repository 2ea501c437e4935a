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
}
