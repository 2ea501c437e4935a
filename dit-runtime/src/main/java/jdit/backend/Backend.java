package jdit.backend;

import jdit.tensor.Device;

/**
 * The numeric primitives that models call, as a record of op groups so that a backend can be completed and
 * tested group by group. Models never branch on the device: they call these groups.
 *
 * <p>Common contract of every op: inputs and outputs are tensors of the backend's device; {@code out} is
 * written, never allocated by the op, and has the documented shape; F32 is the compute dtype; an output may
 * alias its input only where the op says so.
 */
public record Backend(Device device, Memory memory, Gemm gemm, Norms norms, Pointwise pointwise, Conv conv,
                      Reductions reductions, Attention attention) {
}
