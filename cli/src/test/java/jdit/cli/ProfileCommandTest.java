package jdit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jdit profile} end to end: on the golden tiny Wan2.1 with every default method, and on a real-width preset
 * cut to one block; the report files parse, the page references nothing but its own embedded charts, and bad input
 * ends in one line and exit code 1 with no report written.
 */
class ProfileCommandTest {
    private static final Path GOLDEN = Path.of(System.getProperty("jdit.golden", "../testdata/golden"));
    private static final Pattern REFERENCE = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"]*)\"");

    @Test
    void everyDefaultMethodOnTheTinyWan(@TempDir Path dir) throws IOException {
        CliRun run = CliRun.of("profile", "--model", GOLDEN.resolve("wan/wan_tiny.safetensors").toString(), "--frames", "5",
                "--size", "128x128", "--layers", "0", "--steps", "3", "-o", dir.toString());
        assertEquals(0, run.code(), run.err());
        for (String m : ProfileCommand.DEFAULT_METHODS) {
            assertTrue(run.out().contains(m.split("[:+]")[0]), m + " in the table:\n" + run.out());
        }
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("report.json"))).getAsJsonObject();
        int runs = ProfileCommand.DEFAULT_METHODS.size() + ProfileCommand.DEFAULT_DENSITIES.size();
        assertEquals(runs, json.getAsJsonArray("methods").size());
        assertEquals("dense", json.getAsJsonArray("methods").get(0).getAsJsonObject().get("spec").getAsString());
        assertTrue(json.getAsJsonArray("methods").get(runs - 1).getAsJsonObject().get("spec").getAsString()
                .startsWith("dense+flex:"), "the default density run comes last");
        assertEquals(128, json.getAsJsonObject("setup").get("tokens").getAsInt());
        assertTrue(json.getAsJsonObject("machine").get("fmaGflops").getAsDouble() > 0);
        String html = Files.readString(dir.resolve("report.html"));
        Matcher refs = REFERENCE.matcher(html);
        int images = 0;
        while (refs.find()) {
            assertTrue(refs.group(1).startsWith("data:image/png;base64,"), "the page refers to " + refs.group(1));
            images++;
        }
        // four charts, and a density heatmap per run after dense
        assertEquals(4 + runs - 1, images);
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void aPresetRunsAtItsRealWidth(@TempDir Path dir) throws IOException {
        CliRun run = CliRun.of("profile", "--preset", "dit-xl-2-256", "--layers", "1", "--steps", "2", "-a", "dense",
                "-o", dir.toString());
        assertEquals(0, run.code(), run.err());
        JsonObject setup = JsonParser.parseString(Files.readString(dir.resolve("report.json"))).getAsJsonObject()
                .getAsJsonObject("setup");
        assertEquals(1, setup.get("layers").getAsInt());
        assertEquals(16, setup.get("heads").getAsInt());
        assertEquals(256, setup.get("tokens").getAsInt());
        assertTrue(setup.get("model").getAsString().contains("1 of 28 blocks"));
    }

    @Test
    void badInputEndsInOneLine(@TempDir Path dir) {
        String[][] cases = {
            {"--preset", "sd3", "unknown preset 'sd3'; known: dit-xl-2-256"},
            {"-a", "sparse9", "unknown attention method 'sparse9'; known:"},
            {"--size", "big", "--size must be WIDTHxHEIGHT"},
            {"--size", "100x100", "multiples of 16 px"},
            {"--model", "/no/such/file.safetensors", "/no/such/file.safetensors"},
        };
        for (String[] c : cases) {
            CliRun run = CliRun.of("profile", c[0], c[1], "--layers", "1", "--steps", "1", "-o", dir.resolve("out").toString());
            assertEquals(1, run.code(), String.join(" ", c));
            assertTrue(run.err().contains(c[2]), run.err());
            assertEquals(1, run.err().strip().lines().filter(l -> l.startsWith("jdit profile:")).count(), run.err());
            assertFalse(Files.exists(dir.resolve("out").resolve("report.json")));
        }
    }
}
