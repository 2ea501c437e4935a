package jdit.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every way loading cuDNN can fail becomes a reason, never an exception; the options default to cuDNN. */
class CudnnProbeTest {
    @Test
    void aLoadedLibraryReportsItsVersion() {
        CudnnProbe.Result r = CudnnProbe.probe(() -> 91_900);
        assertTrue(r.available());
        assertEquals("cuDNN 9.19.0", r.describe());
        assertEquals("cuDNN 9.2.1", CudnnProbe.probe(() -> 90_201).describe());
    }

    @Test
    void cudnn8IsRefused() {
        CudnnProbe.Result r = CudnnProbe.probe(() -> 8907);
        assertFalse(r.available());
        assertTrue(r.reason().contains("8907") && r.reason().contains("older"), r.reason());
    }

    @Test
    void linkageFailuresBecomeReasons() {
        CudnnProbe.Result missing = CudnnProbe.probe(() -> {
            throw new UnsatisfiedLinkError("no jnicudnn in java.library.path");
        });
        assertFalse(missing.available());
        assertTrue(missing.reason().contains("UnsatisfiedLinkError: no jnicudnn"), missing.reason());
        CudnnProbe.Result init = CudnnProbe.probe(() -> {
            throw new ExceptionInInitializerError(new UnsatisfiedLinkError("libcudnn.so.9: cannot open shared object file"));
        });
        assertTrue(init.reason().contains("libcudnn.so.9: cannot open"), "the root cause is named: " + init.reason());
        CudnnProbe.Result again = CudnnProbe.probe(() -> {
            throw new NoClassDefFoundError("Could not initialize class org.bytedeco.cuda.global.cudnn");
        });
        assertTrue(again.reason().contains("NoClassDefFoundError"), again.reason());
        assertFalse(CudnnProbe.probe(() -> {
            throw new IllegalStateException("odd loader");
        }).available());
    }

    @Test
    void theRealProbeAnswersOnAnyMachine() {
        CudnnProbe.Result r = CudnnProbe.result();
        if (!CudaProbe.available()) {
            assertFalse(r.available());
            assertTrue(r.reason().startsWith("no CUDA device: "), r.reason());
            System.err.println("CudnnProbeTest: cuDNN not probed here: " + r.reason());
        } else {
            assertTrue(r.available() || !r.reason().isEmpty(), "an unusable cuDNN comes with a reason");
        }
    }

    @Test
    void optionsDefaultToCudnnForDenseAttention() {
        CudaOptions o = new CudaOptions(Path.of("cache"), Optional.empty());
        assertEquals(DenseAttention.CUDNN, o.denseAttention());
        CudaOptions kernel = o.withDenseAttention(DenseAttention.KERNEL);
        assertEquals(DenseAttention.KERNEL, kernel.denseAttention());
        assertEquals(o.kernelCache(), kernel.kernelCache());
        assertThrows(IllegalArgumentException.class, () -> new CudaOptions(Path.of("c"), Optional.empty(), null));
    }
}
