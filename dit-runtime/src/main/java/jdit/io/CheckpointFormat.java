package jdit.io;

/** The container a checkpoint came in. */
public enum CheckpointFormat {
    SAFETENSORS("safetensors"),
    PYTORCH_ZIP("PyTorch zip (torch.save)"),
    DIFFUSERS_FOLDER("diffusers model folder"),
    SEEDED_RANDOM("seeded random weights (benchmarks; no file)");

    private final String description;

    CheckpointFormat(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
