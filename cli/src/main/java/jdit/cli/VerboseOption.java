package jdit.cli;

import picocli.CommandLine.Option;

/** {@code -v/--verbose}: errors print their stack trace after the one-line message. */
final class VerboseOption {
    @Option(names = {"-v", "--verbose"}, description = "On an error, print the stack trace after the one-line message.")
    boolean verbose;
}
