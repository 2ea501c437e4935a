/**
 * The numeric primitives as op groups ({@link jdit.backend.Gemm}, {@link jdit.backend.Norms},
 * {@link jdit.backend.Pointwise}, {@link jdit.backend.Conv}, {@link jdit.backend.Reductions},
 * {@link jdit.backend.Memory}) gathered in the {@link jdit.backend.Backend} record. {@code ref/} holds the
 * double-precision reference that judges every fast implementation; {@code cpu/} the Vector API and OpenBLAS
 * one.
 */
package jdit.backend;
