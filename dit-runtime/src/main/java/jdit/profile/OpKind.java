package jdit.profile;

/** The backend operations the profiler tells apart. */
public enum OpKind {
    GEMM("gemm"), ATTENTION("attention"), LAYER_NORM("layer norm"), RMS_NORM("RMS norm"), GROUP_NORM("group norm"),
    SOFTMAX("softmax"), UNARY("activation"), BINARY("add/mul"), SCALE_ADD("scale-add"), MODULATE("modulate"), GATED_ADD("gated residual"),
    ROPE("rotary"), CONV("conv"), REDUCE("reduce"), MEMORY("copy/fill");

    private final String label;

    OpKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
