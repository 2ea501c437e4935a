package jdit.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Reads and writes single elements of any dtype at a byte offset (little-endian), converting through double or long. */
final class ElementCodec {
    private ElementCodec() {
    }

    static double read(DType dtype, MemorySegment segment, long b) {
        return switch (dtype) {
            case F32 -> segment.get(Tensor.F32, b);
            case F64 -> segment.get(Tensor.F64, b);
            case F16 -> Float.float16ToFloat(segment.get(Tensor.I16, b));
            case BF16 -> Float.intBitsToFloat(segment.get(Tensor.I16, b) << 16);
            case I8 -> segment.get(ValueLayout.JAVA_BYTE, b);
            case U8, BOOL -> segment.get(ValueLayout.JAVA_BYTE, b) & 0xFF;
            case I32 -> segment.get(Tensor.I32, b);
            case I64 -> segment.get(Tensor.I64, b);
        };
    }

    static long readLong(DType dtype, MemorySegment segment, long b) {
        return switch (dtype) {
            case I64 -> segment.get(Tensor.I64, b);
            case I32 -> segment.get(Tensor.I32, b);
            case I8 -> segment.get(ValueLayout.JAVA_BYTE, b);
            case U8, BOOL -> segment.get(ValueLayout.JAVA_BYTE, b) & 0xFF;
            default -> (long) read(dtype, segment, b);
        };
    }

    static void write(DType dtype, MemorySegment segment, long b, double v) {
        switch (dtype) {
            case F32 -> segment.set(Tensor.F32, b, (float) v);
            case F64 -> segment.set(Tensor.F64, b, v);
            case F16 -> segment.set(Tensor.I16, b, Float.floatToFloat16((float) v));
            case BF16 -> segment.set(Tensor.I16, b, HalfFloats.floatToBf16((float) v));
            case I8, U8 -> segment.set(ValueLayout.JAVA_BYTE, b, (byte) Math.round(v));
            case BOOL -> segment.set(ValueLayout.JAVA_BYTE, b, (byte) (v != 0 ? 1 : 0));
            case I32 -> segment.set(Tensor.I32, b, (int) Math.round(v));
            case I64 -> segment.set(Tensor.I64, b, Math.round(v));
        }
    }

    /** Integers are stored exactly (doubles lose precision above 2^53). */
    static void writeLong(DType dtype, MemorySegment segment, long b, long value) {
        switch (dtype) {
            case I64 -> segment.set(Tensor.I64, b, value);
            case I32 -> segment.set(Tensor.I32, b, (int) value);
            case I8, U8, BOOL -> segment.set(ValueLayout.JAVA_BYTE, b, (byte) value);
            default -> write(dtype, segment, b, value);
        }
    }
}
