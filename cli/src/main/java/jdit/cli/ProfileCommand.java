package jdit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import jdit.attention.AttentionMethods;
import jdit.cli.report.HtmlReport;
import jdit.pipeline.StepProgress;
import jdit.profile.ProfileJson;
import jdit.profile.ProfileOptions;
import jdit.profile.ProfileReport;
import jdit.profile.ProfileTable;
import jdit.profile.ProfiledModel;
import jdit.profile.ProfiledModels;
import jdit.profile.Profiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jdit profile}: each attention method through N denoising steps of one model, measured against dense. */
@Command(name = "profile", mixinStandardHelpOptions = true, sortOptions = false, subcommands = ProfileAttentionCommand.class,
        description = {"Runs a model for N denoising steps once per attention method, from one seed, and measures it:",
            "time, FLOPs and GFLOP/s against the FMA ceiling measured at the start, per step, per block and per op;",
            "attention density per layer and head; plan-building time; peak activation memory; and per method the",
            "speed-up against dense and the fidelity (PSNR, SSIM) of the result against dense: decoded frames with --vae,",
            "the latents otherwise. Prints a table and writes report.json and a self-contained report.html (charts).",
            "With no arguments: 2 blocks of Wan2.1-1.3B at full width with seeded random weights, 9 frames at 384x384",
            "(1,728 tokens), 3 steps, dense against svg, nabla, sta, lite and nabla+lite (about a minute on 2 cores).",
            "Attention's share grows with the tokens: --frames 17 --size 768x512 (7,680 tokens) shows the methods better.",
            "Random weights attend diffusely: the speed figures are real, the fidelity figures say how far each method",
            "moves an untrained model, not how a trained one looks.",
            "'jdit profile attention' measures the kernel and the methods alone at Wan2.1's head shape."})
final class ProfileCommand implements Callable<Integer> {
    /** The methods the no-argument run compares, warm-ups shortened to fit its 3 steps. */
    static final List<String> DEFAULT_METHODS = List.of("dense", "svg", "nabla", "sta:3x3x3,warmup=1", "lite", "nabla+lite");
    /** The density methods the no-argument run adds (when neither -a nor --density is given). */
    static final List<String> DEFAULT_DENSITIES = List.of("flex");

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "wan2.1-1.3b",
            description = "Architecture with seeded random weights: dit-xl-2-256, dit-xl-2-512, wan2.1-1.3b, wan2.1-14b or "
                    + "latte-xl-2 (default ${DEFAULT-VALUE}); ignored with --model.")
    String preset;

    @Option(names = "--model", paramLabel = "PATH", description = "A real checkpoint instead of a preset (file or diffusers folder; default: none, the preset runs).")
    Path model;

    @Option(names = "--vae", paramLabel = "PATH", description = "VAE of --model: fidelity is then measured on the decoded frames (default: none, fidelity on the latents).")
    Path vae;

    @Option(names = "--layers", paramLabel = "N", defaultValue = "2",
            description = "Blocks of the preset to run, at its real width; 0 for all (default ${DEFAULT-VALUE}; presets only).")
    int layers;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "9",
            description = "Video frames: 4n+1 for Wan2.1, Latte's frame count for latte-xl-2 (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--size", paramLabel = "WxH", defaultValue = "384x384",
            description = "Wan2.1 video size in pixels, sides in multiples of 16; 128 keeps NABLA's 8x8 tiles whole "
                    + "(default ${DEFAULT-VALUE}). DiT and Latte take their config's size.")
    String size;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "3", description = "Denoising steps per method (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = {"-a", "--attention"}, paramLabel = "METHOD", split = ";",
            description = "Methods to compare, repeated or separated by ';' (dense is always run first). Spelling as "
                    + "'jdit generate --attention'. Default: dense, svg, nabla, sta:3x3x3,warmup=1, lite, nabla+lite.")
    List<String> methods;

    @Option(names = "--density", paramLabel = "METHOD", split = ";",
            description = "Token-density methods, separated by ';', each run with dense attention after the attention methods "
                    + "and compared with dense: FLOPs counted from every op's real shape, seconds, fidelity; for example "
                    + "flex or flex:layers=7-20,schedule=2@0.5 (default: flex when no -a is given, else none).")
    List<String> densities = List.of();

    @Option(names = {"-s", "--seed"}, paramLabel = "N", defaultValue = "0", description = "Noise seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "f32",
            description = "Block matrices in f32, bf16 or f16 (default ${DEFAULT-VALUE}).")
    GenerateCommand.WeightType dtype;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: all cores, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "jdit-profile",
            description = "Folder for report.json and report.html (default ${DEFAULT-VALUE}).")
    Path output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    VerboseOption verbose;

    @picocli.CommandLine.Mixin
    DeviceOption device;

    @Override
    public Integer call() throws IOException {
        if (steps < 1 || threads < 1 || frames < 1 || layers < 0) {
            throw new IllegalArgumentException("--steps, --frames and --threads must be positive, --layers at least 0");
        }
        List<String> chosen = methods == null || methods.isEmpty() ? DEFAULT_METHODS : methods;
        if ((methods == null || methods.isEmpty()) && densities.isEmpty()) {
            densities = DEFAULT_DENSITIES;
        }
        for (String m : chosen) {
            AttentionMethods.create(m); // an unknown name or parameter fails here, before any weights are made
        }
        for (String d : densities) {
            jdit.density.TokenDensities.create(d);
        }
        int[] wh = parseSize(size);
        PrintWriter err = spec.commandLine().getErr();
        boolean presetRun = model == null;
        ProfiledModels.Spec what = new ProfiledModels.Spec(model, preset, presetRun ? layers : 0, frames, wh[0], wh[1], vae, dtype.dtype);
        ProfileOptions options = new ProfileOptions(steps, chosen, seed, threads, densities);
        long start = System.nanoTime();
        ProfileReport report;
        try (jdit.backend.DeviceBackend dev = device.open(threads); ProfiledModel m = ProfiledModels.open(what, dev.backend().memory())) {
            int total = options.steps() * ((int) chosen.stream().filter(s -> !s.equals("dense")).count() + 1 + densities.size());
            err.printf("jdit profile: %s, grid %s (%,d tokens), %d steps x %d methods, on %s%n", m.description(), m.grid(),
                    m.grid().tokens(), steps, total / steps, dev.description());
            err.flush();
            try (ProgressReporter progress = ProgressReporter.forConsole(err, "profile", total)) {
                int[] done = {0};
                long runStart = System.nanoTime();
                report = new Profiler(m, options).run((method, i, n, step, stepsTotal) ->
                        progress.stepDone(new StepProgress(++done[0], total, System.nanoTime() - runStart)), dev);
            }
        }
        Files.createDirectories(output);
        writeAtomically(output.resolve("report.json"), w -> ProfileJson.write(report, w));
        writeAtomically(output.resolve("report.html"), w -> w.write(HtmlReport.render(report)));
        PrintWriter out = spec.commandLine().getOut();
        out.print(ProfileTable.render(report));
        out.printf("%nwrote %s and %s in %.0f s%n", output.resolve("report.json"), output.resolve("report.html"),
                (System.nanoTime() - start) / 1e9);
        out.flush();
        return 0;
    }

    private interface Body {
        void write(Writer w) throws IOException;
    }

    /** Writes beside the target and moves it into place, so a failure leaves no half-written report. */
    private static void writeAtomically(Path target, Body body) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                body.write(w);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static int[] parseSize(String s) {
        String[] p = s.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                int w = Integer.parseInt(p[0].trim());
                int h = Integer.parseInt(p[1].trim());
                if (w > 0 && h > 0) {
                    return new int[] {w, h};
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("--size must be WIDTHxHEIGHT in pixels, for example 832x480; got '" + s + "'");
    }
}
