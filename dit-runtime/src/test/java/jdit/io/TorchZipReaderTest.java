package jdit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import jdit.io.torch.TorchZipReader;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * Reads checkpoints written by real PyTorch (tools/make_torch_fixtures.py) and compares every element with the
 * raw bytes PyTorch wrote for the same tensors (state_dict_small.expected.bin/.json).
 */
class TorchZipReaderTest {
    private static final Path DIR = TestData.testdata().resolve("torch");

    @Test
    void theFixtureHasTheRealTorchZipLayout() throws IOException {
        try (ZipFile z = new ZipFile(DIR.resolve("state_dict_small.pt").toFile())) {
            List<String> names = z.stream().map(java.util.zip.ZipEntry::getName).toList();
            assertTrue(names.contains("state_dict_small/data.pkl"), names.toString());
            assertTrue(names.contains("state_dict_small/data/0"), names.toString());
            assertTrue(names.contains("state_dict_small/version"), names.toString());
        }
    }

    @Test
    void stateDictMatchesTheBytesPyTorchWrote() throws IOException {
        checkAgainstExpected(DIR.resolve("state_dict_small.pt"), "");
    }

    @Test
    void trainingCheckpointTakesTheEmaWeights() throws IOException {
        checkAgainstExpected(DIR.resolve("ema_checkpoint.pt"), "ema");
    }

    private void checkAgainstExpected(Path file, String nestedKey) throws IOException {
        byte[] expected = Files.readAllBytes(DIR.resolve("state_dict_small.expected.bin"));
        var manifest = JsonParser.parseString(Files.readString(DIR.resolve("state_dict_small.expected.json"))).getAsJsonArray();
        try (TorchZipReader r = TorchZipReader.open(file); Arena arena = Arena.ofConfined()) {
            assertEquals(nestedKey, r.nestedKey());
            List<String> names = new ArrayList<>();
            for (JsonElement el : manifest) {
                JsonObject m = el.getAsJsonObject();
                String name = m.get("name").getAsString();
                names.add(name);
                long[] shape = new long[m.getAsJsonArray("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = m.getAsJsonArray("shape").get(i).getAsLong();
                }
                Tensor got = r.tensor(name);
                assertEquals(Shape.of(shape), got.shape(), name);
                assertEquals(m.get("dtype").getAsString(), jdit.io.StoredDType.of(got.dtype()).safetensorsName(), name);
                int off = m.get("offset").getAsInt();
                int len = m.get("length").getAsInt();
                Tensor want = Tensor.of(MemorySegment.ofArray(java.util.Arrays.copyOfRange(expected, off, off + len)),
                        got.dtype(), got.shape());
                Tensor gotCopy = Tensor.allocate(arena, got.dtype(), got.shape());
                got.copyTo(gotCopy); // non-contiguous views (the transposed tensor) compare in row-major order
                assertArrayEquals(want.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                        gotCopy.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), name);
            }
            assertEquals(names, r.entries().stream().map(TensorEntry::name).toList());
            assertFalse(r.tensor("transposed").isContiguous(), "a transposed tensor stays a strided view");
            assertEquals(r.tensor("shared.a").segment().address(), r.tensor("shared.b").segment().address(),
                    "two views of one storage share its bytes");
        }
    }
}
