package jdit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code jdit inspect} end to end through picocli, on the shipped fixtures and on a malformed file. */
class InspectCommandTest {
    private static final Path TESTDATA = Path.of(System.getProperty("jdit.testdata", "../testdata"));

    @Test
    void listsTheGoldenDitCheckpoint() {
        CliRun r = CliRun.of("inspect", TESTDATA.resolve("golden/dit/dit_tiny.safetensors").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("blocks.0.attn.qkv.weight"), r.out());
        assertTrue(r.out().matches("(?s).*blocks\\.0\\.attn\\.qkv\\.weight\\s+F32\\s+\\[192, 64\\].*"), r.out());
        assertTrue(r.out().contains("tensors:    32"), r.out());
        assertTrue(r.out().contains("parameters: 183,200"), r.out());
        assertTrue(r.out().contains("DiT, original layout"), r.out());
        assertTrue(r.out().contains("2 blocks, hidden 64, patch 2, 4 input channels, 10 classes"), r.out());
    }

    @Test
    void summarisesTheShardedDiffusersFolder() {
        CliRun r = CliRun.of("inspect", "--summary", TESTDATA.resolve("diffusers/dit_tiny_transformer").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("diffusers model folder"), r.out());
        assertTrue(r.out().contains("tensors:    44"), r.out());
        assertTrue(r.out().contains("DiT, diffusers layout"), r.out());
    }

    @Test
    void readsATorchCheckpoint() {
        CliRun r = CliRun.of("inspect", "--filter", "shared", TESTDATA.resolve("torch/state_dict_small.pt").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("shared.a") && r.out().contains("shared.b") && !r.out().contains("f16.vec"), r.out());
        assertTrue(r.out().contains("PyTorch zip"), r.out());
    }

    @Test
    void refusesAMaliciousPickleInOneLine() {
        CliRun r = CliRun.of("inspect", TESTDATA.resolve("malformed/pickle_os_system.pt").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("jdit inspect: ") && r.err().contains("refusing global 'os.system'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void missingFileIsAClearError() {
        CliRun r = CliRun.of("inspect", "/no/such/file.safetensors");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no such file or folder"), r.err());
    }
}
