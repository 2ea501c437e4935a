package jdit.model.dit;

import static jdit.testing.Tensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import jdit.backend.Backend;
import jdit.backend.Backends;
import jdit.backend.cpu.CpuBackend;
import jdit.io.CheckpointException;
import jdit.io.WeightStore;
import jdit.io.Checkpoints;
import jdit.io.WeightStore;
import jdit.io.safetensors.SafetensorsReader;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * The DiT forward against facebookresearch/DiT's own tensors (golden dit/): every intermediate and the output,
 * within 1e-5 of max |ref|, on the CPU backend and on the reference backend.
 */
class DitGoldenTest {
    private static SafetensorsReader open(String name) {
        return SafetensorsReader.open(TestData.golden().resolve("dit/" + name));
    }

    @Test
    void forwardAndIntermediatesMatchTheOfficialModel() {
        try (SafetensorsReader weights = open("dit_tiny.safetensors"); SafetensorsReader io = open("dit_tiny_io.safetensors");
             CpuBackend cpu = CpuBackend.create(2, true)) {
            DitConfig cfg = DitConfig.fromJson(weights.metadata().get("config"));
            try (DitModel model = DitModel.load(weights, cfg)) {
                for (Backend be : new Backend[] {cpu.backend(), Backends.reference()}) {
                    check(model, io, be);
                }
            }
        }
    }

    private static void check(DitModel model, SafetensorsReader io, Backend be) {
        try (Workspace ws = new Workspace()) {
            double[] t = io.tensor("t").toDoubleArray();
            long[] y = io.tensor("y").toLongArray();
            Tensor tFreq = DitEmbeddings.timestepFrequencies(Arena.ofAuto(), t);
            // torch's vectorised expf can differ from the correctly rounded one by an ulp; at t = 999 that moves the
            // argument of cos by up to 6e-5 (measured against numpy: float32 and float64 frequencies both give 5.6e-5)
            assertClose(io.tensor("t_freq"), tFreq, 1e-4, 0, "t_freq");
            assertClose(io.tensor("t_emb"), model.timestepEmbedding(tFreq, be, ws), 1e-5, 1e-5, "t_emb");
            assertClose(io.tensor("y_emb"), model.labelEmbedding(y, be, ws), 0, 0, "y_emb");
            Tensor x = io.tensor("x");
            Tensor tokens = model.tokens(x, be, ws);
            assertClose(io.tensor("tokens0"), tokens, 1e-5, 1e-5, "tokens0");
            Tensor out = model.forward(x, t, y, be, ws);
            assertClose(io.tensor("out"), out, 1e-5, 1e-5, "out");
        }
    }

    @Test
    void thePublishedPickleFormatLoadsToTheSameModel() {
        // testdata/torch/dit_tiny_original.pt: torch.save of the golden weights as a plain state dict, the way the
        // published DiT-XL-2-256x256.pt is stored (tools/make_torch_fixtures.py)
        try (WeightStore pt = Checkpoints.open(TestData.testdata().resolve("torch/dit_tiny_original.pt"));
             SafetensorsReader weights = open("dit_tiny.safetensors"); SafetensorsReader io = open("dit_tiny_io.safetensors");
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace();
             DitModel model = DitModel.load(pt, DitConfigs.of(weights))) {
            assertEquals(DitKeys.ORIGINAL, model.layout());
            Tensor out = model.forward(io.tensor("x"), io.tensor("t").toDoubleArray(), io.tensor("y").toLongArray(),
                    cpu.backend(), ws);
            assertClose(io.tensor("out"), out, 1e-5, 1e-5, "out from the .pt");
        }
    }

    @Test
    void everyBlockMatches() {
        try (SafetensorsReader weights = open("dit_tiny.safetensors"); SafetensorsReader io = open("dit_tiny_io.safetensors");
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace()) {
            DitConfig cfg = DitConfig.fromJson(weights.metadata().get("config"));
            try (DitModel model = DitModel.load(weights, cfg)) {
                Backend be = cpu.backend();
                Tensor c = model.conditioning(io.tensor("t").toDoubleArray(), io.tensor("y").toLongArray(), be, ws);
                Tensor sc = ws.allocate(jdit.tensor.DType.F32, c.shape());
                be.pointwise().unary(jdit.backend.UnaryOp.SILU, c, sc);
                Tensor h = io.tensor("tokens0");
                DitWeights w = DitWeights.load(weights, cfg, ws);
                for (int i = 0; i < cfg.depth(); i++) {
                    var ctx = jdit.attention.AttentionStep.dense(0).at(i, cfg.depth(),
                            jdit.attention.TokenGrid.image(4, 4), cfg.numHeads(), cfg.hiddenSize() / cfg.numHeads());
                    h = DitBlock.forward(w.blocks().get(i), cfg, h, sc, ctx, new jdit.attention.DenseAttention(), be, ws);
                    assertClose(io.tensor("block" + i + "_out"), h, 1e-5, 1e-5, "block" + i + "_out");
                }
                assertClose(io.tensor("final_out"), model.finalLayer(h, sc, be, ws), 1e-5, 1e-5, "final_out");
            }
        }
    }

    @Test
    void aMisshapedKeyIsNamedWithBothShapes() {
        try (SafetensorsReader weights = open("dit_tiny.safetensors")) {
            DitConfig wrong = new DitConfig(8, 2, 4, 64, 2, 4, 11, true); // 11 classes: the table should be [12, 64]
            CheckpointException e = assertThrows(CheckpointException.class, () -> DitModel.load(weights, wrong));
            assertTrue(e.getMessage().contains("y_embedder.embedding_table.weight") && e.getMessage().contains("[11, 64]")
                    && e.getMessage().contains("[12, 64]"), e.getMessage());
            assertEquals(8, DitConfig.fromJson(weights.metadata().get("config")).outChannels());
        }
    }

    @Test
    void theComputedPositionTableIsTheOneTheOriginalCheckpointStores() {
        try (SafetensorsReader weights = open("dit_tiny.safetensors")) {
            Tensor stored = weights.tensor("pos_embed"); // [1, 16, 64]
            assertClose(stored, SinCosPositions.table(Arena.ofAuto(), 4, 64), 1e-6, 0, "pos_embed");
        }
    }

    @Test
    void theDiffusersLayoutGivesTheSameOutput() {
        try (SafetensorsReader weights = open("dit_tiny_diffusers.safetensors"); SafetensorsReader io = open("dit_tiny_io.safetensors");
             SafetensorsReader orig = open("dit_tiny.safetensors"); CpuBackend cpu = CpuBackend.create(2, true);
             Workspace ws = new Workspace()) {
            DitConfig cfg = DitConfig.fromJson(orig.metadata().get("config"));
            try (DitModel model = DitModel.load(weights, cfg)) {
                assertEquals(DitKeys.DIFFUSERS, model.layout());
                Tensor out = model.forward(io.tensor("x"), io.tensor("t").toDoubleArray(), io.tensor("y").toLongArray(),
                        cpu.backend(), ws);
                assertClose(io.tensor("out"), out, 1e-5, 1e-5, "out (diffusers layout)");
            }
        }
    }
}
