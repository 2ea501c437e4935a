package jdit.io;

import java.util.Arrays;
import java.util.Optional;
import jdit.tensor.DType;

/**
 * Element types as checkpoint files name them (safetensors dtype strings, PyTorch storage classes), kept apart
 * from the runtime {@link DType} with an explicit mapping.
 */
public enum StoredDType {
    F32("F32", "FloatStorage", DType.F32),
    F16("F16", "HalfStorage", DType.F16),
    BF16("BF16", "BFloat16Storage", DType.BF16),
    F64("F64", "DoubleStorage", DType.F64),
    I8("I8", "CharStorage", DType.I8),
    I32("I32", "IntStorage", DType.I32),
    I64("I64", "LongStorage", DType.I64),
    U8("U8", "ByteStorage", DType.U8),
    BOOL("BOOL", "BoolStorage", DType.BOOL);

    private final String safetensorsName;
    private final String torchStorage;
    private final DType dtype;

    StoredDType(String safetensorsName, String torchStorage, DType dtype) {
        this.safetensorsName = safetensorsName;
        this.torchStorage = torchStorage;
        this.dtype = dtype;
    }

    /** The runtime dtype these bytes are read as. */
    public DType dtype() {
        return dtype;
    }

    public int byteSize() {
        return dtype.byteSize();
    }

    public String safetensorsName() {
        return safetensorsName;
    }

    public static Optional<StoredDType> fromSafetensors(String name) {
        return Arrays.stream(values()).filter(d -> d.safetensorsName.equals(name)).findFirst();
    }

    /** From a PyTorch storage class name such as {@code FloatStorage}. */
    public static Optional<StoredDType> fromTorchStorage(String className) {
        return Arrays.stream(values()).filter(d -> d.torchStorage.equals(className)).findFirst();
    }

    public static StoredDType of(DType dtype) {
        return Arrays.stream(values()).filter(d -> d.dtype == dtype).findFirst().orElseThrow();
    }

    /** The safetensors names, for error messages. */
    public static String supportedNames() {
        return Arrays.toString(Arrays.stream(values()).map(StoredDType::safetensorsName).toArray());
    }
}
