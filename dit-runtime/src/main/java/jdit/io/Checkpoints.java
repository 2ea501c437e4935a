package jdit.io;

import java.nio.file.Files;
import java.nio.file.Path;
import jdit.io.diffusers.DiffusersFolder;
import jdit.io.safetensors.SafetensorsReader;
import jdit.io.torch.TorchZipReader;
import jdit.io.torch.ZipDirectory;

/** Opens any supported checkpoint, choosing the reader by content rather than by file name. */
public final class Checkpoints {
    private Checkpoints() {
    }

    /**
     * A diffusers folder (config.json plus safetensors weights, possibly sharded), a PyTorch zip checkpoint
     * ({@code .pt}, {@code .pth}, {@code .bin}), or a safetensors file.
     */
    public static WeightStore open(Path path) {
        if (Files.isDirectory(path)) {
            if (DiffusersFolder.isModelFolder(path)) {
                return DiffusersFolder.open(path);
            }
            if (Files.isDirectory(path.resolve("transformer")) || Files.isDirectory(path.resolve("vae"))) {
                throw new CheckpointException(path, "a diffusers pipeline folder: inspect one of its model folders "
                        + "(for example " + path.resolve("transformer") + ")");
            }
            throw new CheckpointException(path, "folder holds no config.json with safetensors weights");
        }
        if (!Files.isRegularFile(path)) {
            throw new CheckpointException(path, "no such file or folder");
        }
        boolean zipOrLegacy;
        try (MappedFile f = MappedFile.open(path)) {
            zipOrLegacy = ZipDirectory.looksLikeZip(f) || TorchZipReader.isLegacyFormat(f);
        }
        return zipOrLegacy ? TorchZipReader.open(path) : SafetensorsReader.open(path);
    }

    /**
     * Like {@link #open} but a diffusers pipeline folder (one with {@code model_index.json} or model subfolders)
     * opens its {@code component} subfolder, for example {@code transformer} or {@code vae}.
     */
    public static WeightStore openComponent(Path path, String component) {
        Path sub = path.resolve(component);
        if (Files.isDirectory(path) && !DiffusersFolder.isModelFolder(path) && Files.isDirectory(sub)) {
            return open(sub);
        }
        return open(path);
    }

    /** True when {@code path} is a diffusers pipeline folder with a {@code component} subfolder. */
    public static boolean hasComponent(Path path, String component) {
        return Files.isDirectory(path) && !DiffusersFolder.isModelFolder(path) && Files.isDirectory(path.resolve(component));
    }
}
