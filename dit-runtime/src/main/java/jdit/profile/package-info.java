/**
 * Measurement: the machine's ceilings ({@link jdit.profile.Ceilings}) and the kernel benchmark
 * ({@link jdit.profile.KernelBench}) that reports every rate against a ceiling measured in the same run.
 */
package jdit.profile;
