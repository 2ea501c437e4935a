package jdit.backend.cuda;

import org.bytedeco.javacpp.Pointer;

/** A JavaCPP pointer to an address the project owns (device memory, or host memory of an FFM arena). */
final class RawPointer extends Pointer {
    RawPointer(long address) {
        this.address = address;
    }
}
