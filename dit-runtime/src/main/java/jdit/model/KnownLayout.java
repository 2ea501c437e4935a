package jdit.model;

/** The published checkpoint layouts jdit recognises by their tensor names. */
public enum KnownLayout {
    DIT_ORIGINAL("DiT, original layout (facebookresearch/DiT)"),
    DIT_DIFFUSERS("DiT, diffusers layout (DiTTransformer2DModel)"),
    SPARSEDIT_ORIGINAL("SparseDiT / FlexDiT, published layout (changsn/SparseDiT)"),
    LATTE_ORIGINAL("Latte, original layout (Vchitect/Latte)"),
    WAN_ORIGINAL("Wan2.1, original layout (Wan-Video/Wan2.1 WanModel)"),
    WAN_DIFFUSERS("Wan2.1, diffusers layout (WanTransformer3DModel)"),
    SD_VAE("SD VAE, diffusers layout (AutoencoderKL)"),
    SD_VAE_LEGACY_ATTENTION("SD VAE, diffusers layout with legacy attention names (query/key/value/proj_attn)"),
    WAN_VAE_ORIGINAL("Wan VAE, original layout (Wan2.1_VAE.pth)"),
    WAN_VAE_DIFFUSERS("Wan VAE, diffusers layout (AutoencoderKLWan)");

    private final String description;

    KnownLayout(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
