package jdit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import jdit.io.safetensors.SafetensorsReader;
import jdit.io.safetensors.SafetensorsWriter;
import jdit.tensor.DType;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void everyDtypeRoundTripsByteForByte() throws IOException {
        Random r = new Random(5);
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            long[][] shapes = {{7}, {3, 5}, {2, 3, 5}, {}, {1, 1}, {0, 4}, {13, 1}, {2, 2, 2}, {9}};
            DType[] types = DType.values();
            for (int i = 0; i < types.length; i++) {
                Tensor t = Tensor.allocate(arena, types[i], Shape.of(shapes[i]));
                byte[] noise = new byte[(int) t.byteSize()];
                r.nextBytes(noise);
                if (types[i] == DType.BOOL) {
                    for (int j = 0; j < noise.length; j++) {
                        noise[j] &= 1;
                    }
                }
                t.data().copyFrom(java.lang.foreign.MemorySegment.ofArray(noise));
                in.put("t." + types[i], t);
            }
            Tensor big = Tensor.allocate(arena, DType.F32, 6, 4);
            for (int i = 0; i < 24; i++) {
                big.setDoubleAt(i, r.nextGaussian());
            }
            in.put("transposed", big.transpose(0, 1)); // written through a contiguous copy
            Path f = dir.resolve("x.safetensors");
            SafetensorsWriter.write(f, in, Map.of("format", "test", "note", "ü ∑"));
            try (SafetensorsReader rd = SafetensorsReader.open(f)) {
                assertEquals(Map.of("format", "test", "note", "ü ∑"), rd.metadata());
                assertEquals(in.keySet().stream().toList(), rd.entries().stream().map(TensorEntry::name).toList());
                for (Map.Entry<String, Tensor> e : in.entrySet()) {
                    Tensor got = rd.tensor(e.getKey());
                    assertEquals(e.getValue().shape(), got.shape(), e.getKey());
                    assertEquals(e.getValue().dtype(), got.dtype(), e.getKey());
                    if (e.getKey().equals("transposed")) {
                        assertArrayEquals(e.getValue().toDoubleArray(), got.toDoubleArray(), 0.0);
                    } else {
                        assertArrayEquals(e.getValue().data().toArray(ValueLayout.JAVA_BYTE),
                                got.data().toArray(ValueLayout.JAVA_BYTE), e.getKey());
                    }
                }
            }
            // The data section starts 8-byte aligned, as the format's reference writer does.
            byte[] head = Files.readAllBytes(f);
            long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, n % 8);
            try (var files = Files.list(dir)) {
                assertFalse(files.anyMatch(p -> p.toString().endsWith(".part")), "no temporary file left behind");
            }
        }
    }

    @Test
    void aFailedWriteLeavesNothingBehind() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("__metadata__", Tensor.allocate(arena, DType.F32, 2));
            Path f = dir.resolve("bad.safetensors");
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> SafetensorsWriter.write(f, in, Map.of()));
            try (var files = Files.list(dir)) {
                assertEquals(0, files.count());
            }
        }
    }
}
