package jdit.profile;

/**
 * One measured kernel: its rate as a median and a best over the repetitions, in {@code unit}, and the median as a
 * fraction of the named ceiling measured in the same run.
 */
public record BenchRow(String op, String shape, String unit, double median, double best, String ceiling, double fraction) {
}
