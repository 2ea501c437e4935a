package jdit.io.torch;

import java.util.List;
import jdit.io.StoredDType;

/** The values a restricted state-dict pickle can produce besides Java scalars, strings, lists and maps. */
final class PickleValues {
    private PickleValues() {
    }

    /** A Python tuple. */
    record Tuple(List<Object> items) {
    }

    /** A reference to an allowed global (a class or function), resolved but never executed. */
    record Global(String module, String name, AllowedGlobals.Kind kind) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** A storage named by a persistent id: its bytes are {@code <archive>/data/<key>}. */
    record StorageRef(StoredDType dtype, String key, String location, long numel) {
    }

    /** A tensor over a storage: element offset, sizes and strides in elements. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
    }

    /** Python None (the stack allows null, but a named value reads better in errors). */
    enum None { NONE }

    /** The MARK opcode's stack marker. */
    enum Mark { MARK }
}
