package jdit.io.torch;

import java.util.Map;
import java.util.Optional;
import jdit.io.StoredDType;

/**
 * The only globals a state-dict pickle may name. Everything else (os.system, builtins.eval, any class with a
 * constructor of its own) is refused by name before anything is built.
 */
final class AllowedGlobals {
    /** What an allowed global does when the pickle calls it. */
    enum Kind { ORDERED_DICT, REBUILD_TENSOR_V2, REBUILD_TENSOR, REBUILD_PARAMETER, STORAGE_TYPE }

    private static final Map<String, Kind> ALLOWED = Map.of(
            "collections.OrderedDict", Kind.ORDERED_DICT,
            "torch._utils._rebuild_tensor_v2", Kind.REBUILD_TENSOR_V2,
            "torch._utils._rebuild_tensor", Kind.REBUILD_TENSOR,
            "torch._utils._rebuild_parameter", Kind.REBUILD_PARAMETER);

    private AllowedGlobals() {
    }

    static Optional<Kind> kindOf(String module, String name) {
        if (module.equals("torch") && StoredDType.fromTorchStorage(name).isPresent()) {
            return Optional.of(Kind.STORAGE_TYPE);
        }
        return Optional.ofNullable(ALLOWED.get(module + "." + name));
    }

    /** For error messages. */
    static String describe() {
        return "collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_tensor, "
                + "torch._utils._rebuild_parameter, torch.{Float,Half,BFloat16,Double,Char,Int,Long,Byte,Bool}Storage";
    }
}
