/**
 * The {@code jdit} command line (picocli): {@code inspect} and {@code bench} so far. The only package that reads
 * system properties and the environment; it turns them into records for the library.
 */
package jdit.cli;
