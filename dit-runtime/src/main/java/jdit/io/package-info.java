/**
 * Checkpoint I/O: {@link jdit.io.Checkpoints#open} reads safetensors files, PyTorch zip checkpoints (through a
 * restricted unpickler that executes nothing) and diffusers model folders into a {@link jdit.io.WeightStore}
 * of memory-mapped, lazily read tensors. Every malformed input is a {@link jdit.io.CheckpointException} naming
 * the file and the key, offset or global at fault.
 */
package jdit.io;
