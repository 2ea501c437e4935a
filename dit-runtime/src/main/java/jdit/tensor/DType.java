package jdit.tensor;

/** The element type of a tensor: every dtype a safetensors file or a PyTorch state dict can carry here. */
public enum DType {
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    F64(8, true),
    I8(1, false),
    I32(4, false),
    I64(8, false),
    U8(1, false),
    BOOL(1, false);

    private final int byteSize;
    private final boolean floating;

    DType(int byteSize, boolean floating) {
        this.byteSize = byteSize;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for F32, F16, BF16 and F64. */
    public boolean isFloating() {
        return floating;
    }
}
