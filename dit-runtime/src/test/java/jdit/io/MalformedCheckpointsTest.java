package jdit.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import jdit.testing.TestData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every file of testdata/malformed is refused with the message fragment its .expect sidecar gives. */
class MalformedCheckpointsTest {
    private static final Path DIR = TestData.testdata().resolve("malformed");

    private static List<Path> cases() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".expect")).sorted().toList();
        }
    }

    @Test
    void theCorpusCoversEveryDefect() throws IOException {
        assertTrue(cases().size() >= 19, "malformed corpus shrank to " + cases().size());
    }

    @TestFactory
    Stream<DynamicTest> eachDefectIsRefusedClearly() throws IOException {
        return cases().stream().map(expect -> {
            Path target = Path.of(expect.toString().replaceFirst("\\.expect$", ""));
            return DynamicTest.dynamicTest(target.getFileName().toString(), () -> {
                String fragment = Files.readString(expect).strip();
                CheckpointException e = assertThrows(CheckpointException.class, () -> {
                    try (WeightStore s = Checkpoints.open(target)) {
                        s.entries().forEach(t -> s.tensor(t.name()));
                    }
                });
                assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
                assertTrue(e.getMessage().contains(target.getFileName().toString()), "message does not name the file: " + e.getMessage());
            });
        });
    }
}
