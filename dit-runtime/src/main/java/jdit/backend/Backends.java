package jdit.backend;

import jdit.backend.ref.ReferenceAttention;
import jdit.backend.ref.ReferenceConv;
import jdit.backend.ref.ReferenceGemm;
import jdit.backend.ref.ReferenceMemory;
import jdit.backend.ref.ReferenceNorms;
import jdit.backend.ref.ReferencePointwise;
import jdit.backend.ref.ReferenceReductions;
import jdit.tensor.Device;

/** The backend constructors. Selection is explicit; see also {@link jdit.backend.cpu.CpuBackend#create}. */
public final class Backends {
    private Backends() {
    }

    /** The double-precision reference: plain loops, slow by design, the oracle every backend is tested against. */
    public static Backend reference() {
        return new Backend(Device.CPU, new ReferenceMemory(), new ReferenceGemm(), new ReferenceNorms(),
                new ReferencePointwise(), new ReferenceConv(), new ReferenceReductions(), new ReferenceAttention());
    }
}
