package jdit.cli;

import picocli.CommandLine;

/**
 * Turns an exception from a command into one clear line on stderr and exit code 1; the stack trace only with
 * {@code --verbose} (or {@code JDIT_DEBUG=1}), since the messages name the file, key or flag at fault.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        cmd.getErr().println("jdit " + cmd.getCommandName() + ": " + msg);
        if ("1".equals(System.getenv("JDIT_DEBUG")) || cmd.getParseResult().hasMatchedOption("--verbose")) {
            ex.printStackTrace(cmd.getErr());
        }
        return 1;
    }
}
