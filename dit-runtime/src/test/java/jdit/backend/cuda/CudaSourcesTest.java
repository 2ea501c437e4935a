package jdit.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The kernel sources compile with NVRTC for Ampere and Hopper and define every kernel the Java side launches. NVRTC
 * needs no GPU, so this runs wherever libnvrtc is found ({@code JDIT_NVRTC} or the library path); elsewhere it is
 * skipped with that reason. The probe itself must answer on any machine without throwing.
 */
class CudaSourcesTest {
    private static final String[] OPS = {"copy_f32", "f32_to_bf16", "bf16_to_f32", "f32_to_f16", "f16_to_f32", "fill_f32",
        "unary_f32", "binary_f32", "scale_add_f32", "modulate_f32", "gated_add_f32", "gemm_epilogue_f32", "layer_norm_f32",
        "rms_norm_f32", "group_norm_f32", "softmax_f32", "rope_f32", "reduce_f32", "im2col3d_f32", "conv_scatter_f32",
        "gather_rows_f32", "scatter_rows_f32", "mean_rows_f32"};

    /** Tests read the environment here: JDIT_NVRTC names the library; kernels cache under the build folder. */
    static CudaOptions options() {
        return new CudaOptions(java.nio.file.Path.of("target", "cuda-kernels"),
                Optional.ofNullable(System.getenv("JDIT_NVRTC")).map(java.nio.file.Path::of));
    }

    @Test
    void theProbeAnswersOnAnyMachine() {
        CudaProbe.Result first = CudaProbe.result();
        assertTrue(first.available() || !first.reason().isEmpty(), "an unavailable GPU comes with a reason");
        assertTrue(first == CudaProbe.result(), "probed once");
    }

    @Test
    void kernelSourcesCompileForAmpereAndHopper() {
        Optional<Nvrtc> nvrtc = Nvrtc.load(options().nvrtcLibrary());
        if (nvrtc.isEmpty()) {
            System.err.println("CudaSourcesTest: kernel compilation skipped, libnvrtc not found (set JDIT_NVRTC to libnvrtc.so.13)");
        }
        assumeTrue(nvrtc.isPresent(), "skipped: libnvrtc not found (set JDIT_NVRTC to libnvrtc.so.13 to run it)");
        for (String arch : new String[] {"compute_80", "compute_90"}) {
            String ops = new String(nvrtc.get().compile(CudaContext.resource("ops.cu"), "ops.cu", arch), StandardCharsets.UTF_8);
            for (String k : OPS) {
                assertTrue(ops.contains(".entry " + k + "("), k + " in the PTX for " + arch);
            }
            String att = new String(nvrtc.get().compile(CudaContext.resource("attention.cu"), "attention.cu", arch),
                    StandardCharsets.UTF_8);
            assertTrue(att.contains(".entry block_sparse_attention_f32("), "attention kernel for " + arch);
            assertNoLocalSpill(att);
            String tc = new String(nvrtc.get().compile(CudaContext.resource("attention_bf16.cu"), "attention_bf16.cu", arch),
                    StandardCharsets.UTF_8);
            assertTrue(tc.contains(".entry block_sparse_attention_bf16(") && tc.contains("mma.sync.aligned.m16n8k16"),
                    "tensor-core attention kernel for " + arch);
            assertNoLocalSpill(tc);
        }
        byte[] cubin = nvrtc.get().compile(CudaContext.resource("attention.cu"), "attention.cu", "sm_90");
        assertTrue(cubin.length > 4 && cubin[0] == 0x7f && cubin[1] == 'E' && cubin[2] == 'L' && cubin[3] == 'F', "sm_90 gives an ELF cubin");
    }

    /** The attention kernel keeps its state in registers and shared memory: no local-memory stack frame. */
    private static void assertNoLocalSpill(String ptx) {
        Matcher m = Pattern.compile("\\.local\\s+\\.align\\s+\\d+\\s+\\.b8\\s+__local_depot").matcher(ptx);
        assertFalse(m.find(), "the attention kernel uses local memory");
    }

    @Test
    void aBrokenSourceReportsTheCompilerLog() {
        Optional<Nvrtc> nvrtc = Nvrtc.load(options().nvrtcLibrary());
        assumeTrue(nvrtc.isPresent(), "skipped: libnvrtc not found");
        CudaException e = org.junit.jupiter.api.Assertions.assertThrows(CudaException.class,
                () -> nvrtc.get().compile("extern \"C\" __global__ void k() { undefined_thing(); }", "bad.cu", "compute_90"));
        assertTrue(e.getMessage().contains("undefined_thing"), e.getMessage());
    }
}
