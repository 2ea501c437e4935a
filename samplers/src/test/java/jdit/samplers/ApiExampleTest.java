package jdit.samplers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import jdit.api.DiffusionModel;
import jdit.api.Frame;
import jdit.api.GenerationResult;
import jdit.attention.DenseAttention;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.model.dit.DitConfigs;
import jdit.model.dit.DitModel;
import jdit.pipeline.ClassImagePipeline;
import jdit.pipeline.GenerationCancelledException;
import jdit.pipeline.GenerationListener;
import jdit.pipeline.ImageJob;
import jdit.sampling.CounterNoise;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;
import jdit.sampling.guidance.DitChannelGuidance;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.vae.sd.SdVae;
import jdit.vae.sd.SdVaeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library API: the README's example compiles and runs on the tiny golden weights; the API's image equals the
 * same generation run through the pipeline by hand; a cancellation from the listener stops the run.
 */
class ApiExampleTest {
    private static final Path ROOT = Path.of(System.getProperty("jdit.testdata", "../testdata")).toAbsolutePath().getParent();
    private static final Path DIT = ROOT.resolve("testdata/golden/dit/dit_tiny.safetensors");
    private static final Path VAE = ROOT.resolve("testdata/golden/sdvae/sdvae_tiny.safetensors");

    @Test
    void theReadmeExampleCompilesAndRuns(@TempDir Path dir) throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "the README has a java example");
        Path source = dir.resolve("Example.java");
        Files.writeString(source, m.group(1));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int code = javac.run(null, null, diagnostics, "-classpath", System.getProperty("java.class.path"), "-d", dir.toString(),
                source.toString());
        assertEquals(0, code, diagnostics.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            loader.loadClass("Example").getMethod("main", String[].class).invoke(null, (Object) new String[] {DIT.toString(), VAE.toString()});
        } finally {
            System.setOut(out);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("step 20/20"), printed);
        assertTrue(printed.contains("16x16 image, 768 bytes"), printed);
        assertTrue(printed.contains("cancelled"), printed);
        assertEquals(20, countSteps(printed), printed);
    }

    private static long countSteps(String printed) {
        return printed.lines().filter(l -> l.startsWith("step ")).count();
    }

    @Test
    void theApiImageEqualsTheSamePipelineRunByHand() throws IOException {
        GenerationResult r;
        try (DiffusionModel model = DiffusionModel.load(DIT, VAE, 2, jdit.tensor.DType.F32)) {
            r = model.generate(model.request().classLabel(3).seed(7).steps(6).sampler("ddim").guidance(4f).build());
        }
        float[] expected;
        try (SafetensorsReader w = SafetensorsReader.open(DIT); SafetensorsReader vw = SafetensorsReader.open(VAE);
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace();
             DitModel dit = DitModel.load(w, DitConfigs.of(w)); SdVae vae = new SdVae(vw, SdVaeConfig.of(vw))) {
            var sampler = Samplers.byName("ddim").create(SamplerDefaults.dit().config().withSteps(6).withLearnedVariance(true));
            Tensor images = new ClassImagePipeline(dit, vae, cpu.backend()).generate(new ImageJob(new long[] {3}, new CounterNoise(7),
                    sampler, true, new DitChannelGuidance(4f, 3), new DenseAttention()), GenerationListener.NONE, ws);
            expected = images.select(0, 0).contiguous(ws).toFloatArray();
        }
        Frame f = r.frames().getFirst();
        assertEquals(1, r.frames().size());
        assertArrayEquals(expected, f.rgb(), 0f);
    }

    @Test
    void aCancelledRunStopsBeforeItsNextStep() {
        try (DiffusionModel model = DiffusionModel.load(DIT, VAE, 2, jdit.tensor.DType.F32)) {
            int[] steps = {0};
            jdit.api.Generation[] g = new jdit.api.Generation[1];
            g[0] = model.prepare(model.request().steps(10).sampler("ddim").listener(p -> {
                steps[0] = p.done();
                if (p.done() == 3) {
                    g[0].cancel();
                }
            }).build());
            assertThrows(GenerationCancelledException.class, () -> g[0].run());
            assertEquals(3, steps[0]);
            assertTrue(g[0].isCancelled());
            assertThrows(IllegalArgumentException.class, () -> model.generate(model.request().frames(5).build()));
        }
    }
}
