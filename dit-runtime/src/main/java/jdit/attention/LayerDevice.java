package jdit.attention;

import jdit.backend.Backend;
import jdit.tensor.Workspace;

/**
 * The backend and workspace a self-attention layer runs on. A method that looks at q, k and v (NABLA pools them,
 * Sparse VideoGen samples rows) reduces them there with backend ops and downloads the small result, since device
 * tensors cannot be read from Java.
 */
public record LayerDevice(Backend backend, Workspace workspace) {
}
