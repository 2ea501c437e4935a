package jdit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jdit} command: generation, profiling and checkpoint tools. */
@Command(name = "jdit",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A Java runtime for Diffusion Transformers.",
        subcommands = {GenerateCommand.class, ProfileCommand.class, CompareCommand.class, ConvertCommand.class, InspectCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorReporter());
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
