package jdit.backend.cuda;

import static jdit.testing.Tensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import jdit.attention.AttentionStep;
import jdit.backend.Backend;
import jdit.backend.Backends;
import jdit.backend.Transfers;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.model.dit.DitConfig;
import jdit.model.dit.DitModel;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanModel;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whole models on the GPU: the CUDA memory ops added for them (row gathers, scatters, pooling bins, transfers) against
 * the reference, and the golden DiT and Wan2.1 forwards on the CUDA backend (FP32 attention, TF32 products) against
 * the CPU backend's within 2e-3 of max |ref|. Skipped, with the probe's reason, where no GPU can be used; the same
 * forwards run through {@link jdit.testing.StrictDevice} on every machine.
 */
class CudaModelsTest {
    private static CudaContext ctx;
    private static Backend gpu;

    @BeforeAll
    static void open() {
        if (CudaProbe.available()) {
            ctx = CudaContext.open(0, CudaSourcesTest.options());
            gpu = CudaBackend.create(ctx, true);
        }
    }

    @BeforeEach
    void needsAGpu() {
        assumeTrue(CudaProbe.available(), "skipped, no GPU: " + CudaProbe.result().reason());
    }

    @AfterAll
    static void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    @Test
    void rowMovesAndPoolingBinsMatchTheReference() {
        var ref = Backends.reference().memory();
        try (Arena a = Arena.ofConfined(); Workspace ws = gpu.memory().workspace()) {
            Tensor src = Tensor.allocate(a, DType.F32, 2, 7, 5);
            for (long i = 0; i < src.numel(); i++) {
                src.setDoubleAt(i, Math.sin(i * 0.37));
            }
            int[] order = {6, 0, 3, 3, 1};
            Tensor want = Tensor.allocate(a, DType.F32, 2, 5, 5);
            ref.gatherRows(src, Tensor.fromLongs(a, DType.I32, new long[] {6, 0, 3, 3, 1}, 5), want);
            Tensor dSrc = Transfers.upload(src, gpu.memory(), ws);
            Tensor got = ws.allocate(DType.F32, 2, 5, 5);
            gpu.memory().gatherRows(dSrc, Transfers.index(order, gpu.memory(), ws), got);
            assertArrayEquals(want.toFloatArray(), Transfers.floats(got, gpu.memory()));
            Tensor back = ws.allocateZeroed(DType.F32, 2, 7, 5);
            gpu.memory().scatterRows(got, Transfers.index(new int[] {0, 1, 2, 3, 4}, gpu.memory(), ws), back);
            float[] b = Transfers.floats(back, gpu.memory());
            assertArrayEquals(java.util.Arrays.copyOfRange(want.toFloatArray(), 0, 25), java.util.Arrays.copyOfRange(b, 0, 25));
            Tensor wantMean = Tensor.allocate(a, DType.F32, 2, 3, 5);
            ref.meanRows(src, Tensor.fromLongs(a, DType.I32, new long[] {0, 2, 3, 7}, 4),
                    Tensor.fromLongs(a, DType.I32, new long[] {0, 1, 2, 3, 4, 5, 6}, 7), wantMean);
            Tensor mean = ws.allocate(DType.F32, 2, 3, 5);
            gpu.memory().meanRows(dSrc, Transfers.index(new int[] {0, 2, 3, 7}, gpu.memory(), ws),
                    Transfers.index(new int[] {0, 1, 2, 3, 4, 5, 6}, gpu.memory(), ws), mean);
            assertClose(wantMean, Transfers.toHost(mean, gpu.memory(), a), 1e-6, 0, "meanRows");
        }
    }

    @Test
    void goldenDitAndWanForwardsOnTheGpuMatchTheCpu() {
        try (SafetensorsReader dw = SafetensorsReader.open(TestData.golden().resolve("dit/dit_tiny.safetensors"));
             SafetensorsReader dio = SafetensorsReader.open(TestData.golden().resolve("dit/dit_tiny_io.safetensors"));
             SafetensorsReader ww = SafetensorsReader.open(TestData.golden().resolve("wan/wan_tiny.safetensors"));
             SafetensorsReader wio = SafetensorsReader.open(TestData.golden().resolve("wan/wan_tiny_io.safetensors"));
             CpuBackend cpu = CpuBackend.create(2, true); Arena a = Arena.ofShared()) {
            DitConfig dc = DitConfig.fromJson(dw.metadata().get("config"));
            double[] t = dio.tensor("t").toDoubleArray();
            long[] y = dio.tensor("y").toLongArray();
            try (DitModel host = DitModel.load(dw, dc); DitModel dev = DitModel.load(dw, dc, DType.F32, gpu.memory());
                 Workspace hw = new Workspace(); Workspace gw = gpu.memory().workspace()) {
                Tensor want = host.forward(dio.tensor("x"), t, y, cpu.backend(), hw);
                Tensor got = dev.forward(Transfers.upload(dio.tensor("x"), gpu.memory(), gw), t, y, gpu, gw);
                assertClose(want, Transfers.toHost(got, gpu.memory(), a), 2e-3, 2e-3, "DiT on the GPU");
            }
            WanConfig wc = WanConfig.fromJson(ww.metadata().get("config"));
            double[] wt = wio.tensor("t").toDoubleArray();
            try (WanModel host = WanModel.load(ww, wc, DType.F32); WanModel dev = WanModel.load(ww, wc, DType.F32, gpu.memory());
                 Workspace hw = new Workspace(); Workspace gw = gpu.memory().workspace()) {
                Tensor text = host.embedText(wio.tensor("context"), cpu.backend(), hw).unsqueeze(0);
                Tensor want = host.forward(wio.tensor("x").unsqueeze(0), wt, text, AttentionStep.dense(wt[0]), cpu.backend(), hw);
                Tensor dText = dev.embedText(Transfers.upload(wio.tensor("context"), gpu.memory(), gw), gpu, gw).unsqueeze(0);
                Tensor got = dev.forward(Transfers.upload(wio.tensor("x"), gpu.memory(), gw).unsqueeze(0), wt, dText,
                        AttentionStep.dense(wt[0]), gpu, gw);
                assertClose(want, Transfers.toHost(got, gpu.memory(), a), 2e-3, 2e-3, "Wan2.1 on the GPU");
            }
        }
    }
}
