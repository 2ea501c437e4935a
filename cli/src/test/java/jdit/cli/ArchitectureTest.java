package jdit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The size and dependency budgets of the code base, checked over the sources of every module. */
class ArchitectureTest {
    private static final int MAX_MAIN_FILE_LINES = 400;
    private static final Pattern STATIC_MUTABLE = Pattern.compile(
            "^\\s*(?:(?:public|protected|private)\\s+)?static\\s+(?!final\\b)(?!class\\b)(?!interface\\b)(?!enum\\b)"
                    + "(?!record\\b)(?!abstract\\b)(?!sealed\\b)(?!non-sealed\\b)(?!void\\b)(?!<)[\\w<>\\[\\], ?]+\\s+\\w+\\s*(=|;)");

    private static Path root() {
        return Path.of(System.getProperty("jdit.testdata", "../testdata")).toAbsolutePath().getParent();
    }

    private static List<Path> mainSources(String module) throws IOException {
        Path dir = root().resolve(module).resolve("src/main/java");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    private static List<Path> allMainSources() throws IOException {
        List<Path> all = new ArrayList<>();
        for (String m : List.of("dit-runtime", "samplers", "sparse", "cli")) {
            all.addAll(mainSources(m));
        }
        return all;
    }

    @Test
    void theSourcesAreFound() throws IOException {
        assertTrue(allMainSources().size() > 10, "no sources under " + root());
    }

    @Test
    void noMainSourceFileIsOverTheLineBudget() throws IOException {
        List<String> over = new ArrayList<>();
        for (Path p : allMainSources()) {
            long lines = Files.readAllLines(p).size();
            if (lines > MAX_MAIN_FILE_LINES) {
                over.add(root().relativize(p) + " (" + lines + " lines)");
            }
        }
        assertEquals(List.of(), over, "files over " + MAX_MAIN_FILE_LINES + " lines");
    }

    @Test
    void noStaticMutableFields() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path p : allMainSources()) {
            List<String> lines = Files.readAllLines(p);
            for (int i = 0; i < lines.size(); i++) {
                if (STATIC_MUTABLE.matcher(lines.get(i)).find()) {
                    found.add(root().relativize(p) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertEquals(List.of(), found, "static fields must be final (no global mutable state)");
    }

    @Test
    void cudaTypesStayInTheCudaBackendPackage() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path p : allMainSources()) {
            String text = Files.readString(p);
            if (text.contains("org.bytedeco.cuda") && !p.toString().contains("/jdit/backend/cuda/")) {
                found.add(root().relativize(p).toString());
            }
        }
        assertEquals(List.of(), found, "only jdit.backend.cuda may use org.bytedeco.cuda");
    }

    @Test
    void samplersAndSparseDoNotReachIntoBackendInternalsOrTheCli() throws IOException {
        List<String> found = new ArrayList<>();
        for (String m : List.of("samplers", "sparse")) {
            for (Path p : mainSources(m)) {
                for (String line : Files.readAllLines(p)) {
                    if (line.startsWith("import jdit.backend.cpu") || line.startsWith("import jdit.backend.cuda")
                            || line.startsWith("import jdit.cli") || line.startsWith("import jdit.io.")) {
                        found.add(root().relativize(p) + ": " + line);
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    void systemPropertiesAndEnvironmentAreReadOnlyInTheCli() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path p : allMainSources()) {
            if (p.toString().contains("/jdit/cli/")) {
                continue;
            }
            String text = Files.readString(p);
            if (text.contains("System.getProperty(") || text.contains("System.getenv(") || text.contains("Integer.getInteger(")) {
                found.add(root().relativize(p).toString());
            }
        }
        assertEquals(List.of(), found, "read configuration in jdit.cli and pass records down");
    }
}
