/**
 * PyTorch zip checkpoints ({@code torch.save}, torch >= 1.6): an own zip directory reader over the mapped file and
 * a restricted unpickler that executes nothing and accepts only the globals a state dict needs.
 */
package jdit.io.torch;
