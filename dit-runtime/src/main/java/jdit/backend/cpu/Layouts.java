package jdit.backend.cpu;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The little-endian unaligned value layouts the CPU kernels read and write segments with. */
public final class Layouts {
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Layouts() {
    }
}
