package jdit.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the test data lives: the golden fixture root ({@code -Djdit.golden}) and the project's testdata folder. */
public final class TestData {
    private TestData() {
    }

    public static Path golden() {
        return existing(System.getProperty("jdit.golden", "../testdata/golden"), "jdit.golden");
    }

    public static Path testdata() {
        return existing(System.getProperty("jdit.testdata", "../testdata"), "jdit.testdata");
    }

    private static Path existing(String p, String prop) {
        Path path = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("test data folder " + path + " does not exist (set -D" + prop + "=DIR)");
        }
        return path;
    }
}
