/** Guidance rules applied between the conditional and unconditional branches: CFG, DiT's 3-channel CFG, CFG-Zero*. */
package jdit.sampling.guidance;
