package jdit.io;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * The tensors of one checkpoint, listed from its header without reading data, and read lazily as zero-copy views
 * of the memory-mapped file. Tensors returned stay valid until {@link #close()}.
 */
public interface WeightStore extends AutoCloseable {
    /** The file or folder opened. */
    Path source();

    CheckpointFormat format();

    /** Every tensor, in file order. */
    List<TensorEntry> entries();

    /** The tensor {@code name} in its stored dtype, a view of the mapped file; a {@link CheckpointException} if absent. */
    Tensor tensor(String name);

    /** Free-form string metadata (safetensors {@code __metadata__}); empty if the format has none. */
    Map<String, String> metadata();

    /** The model's {@code config.json}, for diffusers folders. */
    Optional<JsonObject> config();

    @Override
    void close();

    default Optional<TensorEntry> entry(String name) {
        return entries().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** The tensor {@code name} converted to {@code dtype} into a contiguous tensor from {@code workspace}. */
    default Tensor tensorAs(String name, DType dtype, Workspace workspace) {
        return tensor(name).to(dtype, workspace);
    }
}
