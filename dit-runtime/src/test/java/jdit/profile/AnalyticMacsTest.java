package jdit.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdit.model.dit.DitConfigs;
import jdit.model.dit.SparseDitConfig;
import org.junit.jupiter.api.Test;

/** sparse-methods.md check 20: DiT-XL/2 and its FlexDiT configuration in multiply-accumulates. */
class AnalyticMacsTest {
    @Test
    void theReferenceCounts() {
        var xl512 = DitConfigs.preset("DiT-XL/2", 512);
        SparseDitConfig flex512 = SparseDitConfig.published(xl512);
        assertEquals(524.25, AnalyticMacs.dit(xl512) / 1e9, 0.005);
        assertEquals(233.25, AnalyticMacs.sparseDit(flex512, 8) / 1e9, 0.005);
        assertEquals(0.4449, AnalyticMacs.sparseDit(flex512, 8) / AnalyticMacs.dit(xl512), 5e-5);
        var xl256 = DitConfigs.preset("DiT-XL/2", 256);
        assertEquals(118.38, AnalyticMacs.dit(xl256) / 1e9, 0.005);
        assertEquals(67.91, AnalyticMacs.sparseDit(SparseDitConfig.published(xl256), 8) / 1e9, 0.005);
        assertEquals(0.5737, AnalyticMacs.sparseDit(SparseDitConfig.published(xl256), 8) / AnalyticMacs.dit(xl256), 5e-5);
        assertEquals(0.5484, AnalyticMacs.sparseDit(flex512, 16) / AnalyticMacs.dit(xl512), 5e-5);
    }
}
