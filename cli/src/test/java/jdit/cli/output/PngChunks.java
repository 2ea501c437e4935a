package jdit.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/** A minimal PNG chunk walker for tests: checks every CRC and collects the tEXt chunks. */
public final class PngChunks {
    private PngChunks() {
    }

    public static Map<String, String> texts(byte[] png) {
        Map<String, String> out = new LinkedHashMap<>();
        ByteBuffer b = ByteBuffer.wrap(png);
        b.position(8);
        while (b.remaining() >= 12) {
            int n = b.getInt();
            byte[] type = new byte[4];
            b.get(type);
            byte[] data = new byte[n];
            b.get(data);
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(data);
            assertEquals((int) crc.getValue(), b.getInt(), "CRC of " + new String(type, StandardCharsets.US_ASCII));
            if (new String(type, StandardCharsets.US_ASCII).equals("tEXt")) {
                String s = new String(data, StandardCharsets.ISO_8859_1);
                int nul = s.indexOf('\0');
                out.put(s.substring(0, nul), s.substring(nul + 1));
            }
        }
        assertEquals(0, b.remaining());
        return out;
    }
}
