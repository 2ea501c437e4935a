package jdit.samplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import jdit.backend.Backends;
import jdit.io.safetensors.SafetensorsReader;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.sampling.Samplers;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every sampler trajectory of the golden {@code sched/} fixtures: builds the sampler from the fixture's
 * diffusers class and config, runs the README's closed-form stand-in model, replays the recorded noise, and compares
 * timesteps, sigmas and every step of {@code xs} (relative error at most 1e-4 of max |ref|).
 */
class SamplerFixturesTest {
    /** diffusers class -> jdit sampler name, for the samplers implemented so far. */
    private static final Map<String, String> IMPLEMENTED = Map.of(
            "DDPMScheduler", "ddpm", "DDIMScheduler", "ddim", "EulerDiscreteScheduler", "euler",
            "EulerAncestralDiscreteScheduler", "euler-a", "FlowMatchEulerDiscreteScheduler", "flow-euler",
            "DPMSolverMultistepScheduler", "dpmpp-2m", "UniPCMultistepScheduler", "unipc",
            "FlowUniPCMultistepScheduler", "flow-unipc", "FlowDPMSolverMultistepScheduler", "flow-dpmpp");

    private static Path root() {
        return Path.of(System.getProperty("jdit.golden", "../testdata/golden")).resolve("sched");
    }

    @TestFactory
    Stream<DynamicTest> everyTrajectoryReplays() throws IOException {
        return Files.list(root()).filter(p -> p.toString().endsWith(".safetensors")).sorted()
                .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> replay(f)));
    }

    private static void replay(Path file) {
        try (SafetensorsReader r = SafetensorsReader.open(file); Arena arena = Arena.ofShared()) {
            String cls = r.metadata().get("class");
            if (!IMPLEMENTED.containsKey(cls)) {
                fail("fixture " + file + " has a scheduler class no test knows: " + cls);
            }
            JsonObject cfg = JsonParser.parseString(r.metadata().get("config")).getAsJsonObject();
            int steps = Integer.parseInt(r.metadata().get("steps"));
            boolean flow = r.metadata().get("model").startsWith("flow");
            String name = IMPLEMENTED.get(cls);
            if (cls.equals("UniPCMultistepScheduler") && cfg.get("use_flow_sigmas").getAsBoolean()) {
                name = "flow-unipc"; // diffusers' UniPC with use_flow_sigmas is Wan's flow UniPC
            }
            SamplerConfig c = new SamplerConfig(cfg.get("num_train_timesteps").getAsInt(), jdit.sampling.BetaSchedule.LINEAR,
                    cfg.has("beta_start") ? cfg.get("beta_start").getAsDouble() : 1e-4,
                    cfg.has("beta_end") ? cfg.get("beta_end").getAsDouble() : 0.02, steps,
                    shiftOf(file, cfg),
                    // the eta fixture is the one DDIM file that records noise: it was run with eta = 1
                    cls.equals("DDIMScheduler") && r.entry("noise").isPresent() ? 1.0 : 0.0, false,
                    jdit.sampling.SigmaSpacing.DEFAULT);
            Sampler s = Samplers.byName(name).create(c);

            double[] wantT = r.tensor("timesteps").toDoubleArray();
            double[] gotT = s.timesteps();
            assertEquals(wantT.length, gotT.length, "timestep count");
            for (int i = 0; i < wantT.length; i++) {
                assertEquals(wantT[i], gotT[i], 1e-4 * Math.max(1, Math.abs(wantT[i])), "timestep " + i);
            }
            if (r.entry("sigmas").isPresent()) {
                double[] wantS = r.tensor("sigmas").toDoubleArray();
                double[] gotS = s.sigmas();
                for (int i = 0; i < wantS.length; i++) {
                    assertEquals(wantS[i], gotS[i], 1e-4 * Math.max(1e-3, Math.abs(wantS[i])), "sigma " + i);
                }
            }
            assertEquals(Double.parseDouble(r.metadata().get("init_noise_sigma")), s.initNoiseSigma(), 1e-4 * s.initNoiseSigma());

            Tensor xs = r.tensor("xs"); // [steps+1, 1, 4, 6, 6]
            Tensor x = Tensor.allocate(arena, DType.F32, xs.shape().toArray()[1], 4, 6, 6);
            Tensor x0 = r.tensor("x0_noise");
            for (long i = 0; i < x.numel(); i++) {
                x.setDoubleAt(i, x0.getDoubleAt(i) * s.initNoiseSigma());
            }
            NoiseSource noise = replayed(r);
            jdit.backend.Backend be = Backends.reference();
            jdit.tensor.Workspace state = new jdit.tensor.Workspace(); // the sampler's history, for the whole run
            Tensor out = Tensor.allocate(arena, DType.F32, x.shape());
            for (int i = 0; i < steps; i++) {
                standIn(x, s.inputScale(i), gotT[i], flow, out);
                s.step(out, i, x, noise, be, state);
                Tensor want = xs.select(0, i + 1);
                double scale = 0;
                for (long j = 0; j < want.numel(); j++) {
                    scale = Math.max(scale, Math.abs(want.getDoubleAt(j)));
                }
                for (long j = 0; j < want.numel(); j++) {
                    double d = Math.abs(want.getDoubleAt(j) - x.getDoubleAt(j));
                    assertTrue(d <= 1e-4 * Math.max(scale, 1e-6), file.getFileName() + " step " + i + " element " + j
                            + ": got " + x.getDoubleAt(j) + ", want " + want.getDoubleAt(j));
                }
            }
        }
    }

    /**
     * The flow shift: diffusers configs carry it ({@code shift} or {@code flow_shift}); Wan's schedulers are built
     * with shift 1 and get it at {@code set_timesteps}, which the fixture names record ({@code _shift5_}).
     */
    private static double shiftOf(Path file, JsonObject cfg) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("_shift(\\d+)_").matcher(file.getFileName().toString());
        if (file.getFileName().toString().endsWith("_wan.safetensors") && m.find()) {
            return Double.parseDouble(m.group(1));
        }
        if (cfg.has("use_flow_sigmas") && cfg.get("use_flow_sigmas").getAsBoolean()) {
            return cfg.get("flow_shift").getAsDouble();
        }
        return cfg.has("shift") ? cfg.get("shift").getAsDouble() : 1.0;
    }

    /** The README's stand-in models, evaluated on the scaled input. */
    private static void standIn(Tensor x, double inputScale, double t, boolean flow, Tensor out) {
        double ab = flow ? 0 : abarAt(t);
        for (long i = 0; i < x.numel(); i++) {
            double v = x.getDoubleAt(i) * inputScale;
            double o;
            if (flow) {
                double s = t / 1000;
                o = (s * v - (1 - s) * 0.25 * v) / ((1 - s) * (1 - s) * 0.25 + s * s) + 0.05 * Math.tanh(v);
            } else {
                o = Math.sqrt(1 - ab) * v / (0.25 * ab + 1 - ab) + 0.05 * Math.tanh(v);
            }
            out.setDoubleAt(i, o);
        }
    }

    /** alphas_cumprod of linear betas 1e-4..0.02 over 1000 steps, linearly interpolated at fractional t. */
    private static double abarAt(double t) {
        double[] abar = new double[1000];
        double acc = 1;
        for (int i = 0; i < 1000; i++) {
            acc *= 1 - (1e-4 + (0.02 - 1e-4) * i / 999);
            abar[i] = acc;
        }
        int lo = (int) Math.floor(t);
        int hi = Math.min(lo + 1, 999);
        double f = t - lo;
        return abar[lo] * (1 - f) + abar[hi] * f;
    }

    /** Hands out the fixture's recorded draws in order. */
    private static NoiseSource replayed(SafetensorsReader r) {
        if (r.entry("noise").isEmpty()) {
            return out -> fail("this sampler drew noise but the fixture recorded none");
        }
        Tensor noise = r.tensor("noise");
        int[] next = {0};
        return out -> {
            Tensor d = noise.select(0, next[0]++);
            for (long i = 0; i < out.numel(); i++) {
                out.setDoubleAt(i, d.getDoubleAt(i));
            }
        };
    }
}
