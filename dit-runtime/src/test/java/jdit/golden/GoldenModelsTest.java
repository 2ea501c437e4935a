package jdit.golden;

import static jdit.testing.Tensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdit.attention.AttentionStep;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.model.dit.DitConfigs;
import jdit.model.dit.DitModel;
import jdit.model.latte.LatteConfig;
import jdit.model.latte.LatteModel;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanModel;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.testing.TestData;
import jdit.vae.sd.SdVae;
import jdit.vae.sd.SdVaeConfig;
import jdit.vae.wan.WanVae;
import jdit.vae.wan.WanVaeConfig;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Data-driven, as the golden README asks: every weights file in a model family folder (dit, latte, wan, sdvae,
 * wanvae) is paired with the {@code _io} file whose stem is the longest prefix of its name, and checked by its family's
 * rule (the main outputs within 1e-5), so a new fixture of a known kind needs no new code; a weights file without an
 * io partner fails. The per-family tests check the intermediates.
 */
class GoldenModelsTest {
    private static final List<String> FAMILIES = List.of("dit", "latte", "wan", "sdvae", "wanvae");

    @TestFactory
    Stream<DynamicTest> everyModelFixtureReproducesItsOutputs() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String family : FAMILIES) {
            Path dir = TestData.golden().resolve(family);
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
            }
            List<Path> ios = files.stream().filter(p -> stem(p).endsWith("_io")).toList();
            for (Path weights : files) {
                if (ios.contains(weights)) {
                    continue;
                }
                Path io = ios.stream().filter(p -> stem(weights).startsWith(stem(p).substring(0, stem(p).length() - 3)))
                        .max((a, b) -> Integer.compare(stem(a).length(), stem(b).length()))
                        .orElse(null);
                tests.add(DynamicTest.dynamicTest(family + "/" + weights.getFileName(), () -> {
                    if (io == null) {
                        fail("no _io fixture pairs with " + weights);
                    }
                    check(family, weights, io);
                }));
            }
        }
        assertTrue(tests.size() >= 10, "expected the golden model fixtures, found " + tests.size());
        return tests.stream();
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        return n.substring(0, n.length() - ".safetensors".length());
    }

    private static void check(String family, Path weightsFile, Path ioFile) {
        try (SafetensorsReader w = SafetensorsReader.open(weightsFile); SafetensorsReader io = SafetensorsReader.open(ioFile);
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace()) {
            Backend be = cpu.backend();
            String what = weightsFile.getFileName().toString();
            switch (family) {
                case "dit" -> {
                    // a diffusers-layout file carries no config: the original's, stored beside it, describes both
                    jdit.model.dit.DitConfig cfg;
                    try (SafetensorsReader orig = originalOf(weightsFile, ioFile)) {
                        cfg = DitConfigs.of(w.metadata().containsKey("config") ? w : orig);
                    }
                    try (DitModel m = DitModel.load(w, cfg)) {
                        assertClose(io.tensor("out"), m.forward(io.tensor("x"), io.tensor("t").toDoubleArray(),
                                io.tensor("y").toLongArray(), be, ws), 1e-5, 1e-5, what);
                    }
                }
                case "latte" -> {
                    LatteConfig c = LatteConfig.of(w);
                    try (LatteModel m = LatteModel.load(w, c)) {
                        long[] y = c.numClasses() > 0 ? io.tensor("y").toLongArray() : null;
                        assertClose(io.tensor("out"), m.forward(io.tensor("x"), io.tensor("t").toDoubleArray(), y, be, ws),
                                1e-5, 1e-5, what);
                    }
                }
                case "wan" -> {
                    String cfg;
                    try (SafetensorsReader orig = originalOf(weightsFile, ioFile)) {
                        cfg = (w.metadata().containsKey("config") ? w : orig).metadata().get("config");
                    }
                    try (WanModel m = WanModel.load(w, WanConfig.fromJson(cfg), DType.F32)) {
                        double[] t = io.tensor("t").toDoubleArray();
                        for (String[] pair : new String[][] {{"context", "out"}, {"context_null", "out_null"}}) {
                            Tensor text = m.embedText(io.tensor(pair[0]), be, ws).unsqueeze(0);
                            Tensor out = m.forward(io.tensor("x").unsqueeze(0), t, text, AttentionStep.dense(t[0]), be, ws);
                            assertClose(io.tensor(pair[1]).unsqueeze(0), out, 1e-5, 1e-5, what + " " + pair[1]);
                        }
                    }
                }
                case "sdvae" -> {
                    try (SdVae vae = new SdVae(w, SdVaeConfig.of(w))) {
                        assertClose(io.tensor("decoded"), vae.decode(io.tensor("z"), be, ws), 1e-5, 1e-5, what + " decode");
                        assertClose(io.tensor("enc_mean"), vae.encode(io.tensor("image"), be, ws)[0], 1e-5, 1e-5, what + " encode");
                    }
                }
                case "wanvae" -> {
                    WanVaeConfig c = WanVaeConfig.of(w).withLatents(doubles(io.tensor("latents_mean")), doubles(io.tensor("latents_std")));
                    try (WanVae vae = new WanVae(w, c)) {
                        assertClose(io.tensor("decoded"), vae.decode(io.tensor("z"), be, ws), 1e-5, 1e-5, what + " decode");
                        assertClose(io.tensor("encoded_mu_normalized"), vae.encode(io.tensor("video"), be, ws), 1e-5, 1e-5,
                                what + " encode");
                    }
                }
                default -> fail("no rule for family " + family);
            }
        }
    }

    /** The original-layout file of a fixture family member (the io file's stem without "_io"): it carries the config. */
    private static SafetensorsReader originalOf(Path weightsFile, Path ioFile) {
        return SafetensorsReader.open(weightsFile.resolveSibling(stem(ioFile).replace("_io", "") + ".safetensors"));
    }

    private static List<Double> doubles(Tensor t) {
        List<Double> out = new ArrayList<>();
        for (double v : t.toDoubleArray()) {
            out.add(v);
        }
        return out;
    }
}
