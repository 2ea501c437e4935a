package jdit.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Every flag of every command says what it does and, unless it is required or a switch, what its default is. */
class HelpTest {
    private static void collect(CommandLine cl, List<CommandSpec> out) {
        out.add(cl.getCommandSpec());
        cl.getSubcommands().values().forEach(sub -> {
            if (!out.contains(sub.getCommandSpec())) {
                collect(sub, out);
            }
        });
    }

    @Test
    void everyFlagDocumentsItsDefault() {
        List<CommandSpec> commands = new ArrayList<>();
        collect(new CommandLine(new Main()), commands);
        List<String> missing = new ArrayList<>();
        for (CommandSpec c : commands) {
            // picocli formats descriptions: a bare % would print a warning instead of the text
            for (String line : c.usageMessage().description()) {
                if (line.replace("%%", "").replace("%n", "").contains("%")) {
                    missing.add(c.qualifiedName() + ": unescaped % in \"" + line + "\"");
                }
            }
            for (OptionSpec o : c.options()) {
                String text = String.join(" ", o.description());
                if (text.replace("%%", "").replace("%n", "").contains("%")) {
                    missing.add(c.qualifiedName() + " " + o.longestName() + ": unescaped %");
                }
                if (text.isBlank()) {
                    missing.add(c.qualifiedName() + " " + o.longestName() + ": no description");
                }
                boolean isSwitch = o.type() == boolean.class || o.type() == Boolean.class;
                if (!o.required() && !isSwitch && !o.usageHelp() && !o.versionHelp() && !text.toLowerCase().contains("default")) {
                    missing.add(c.qualifiedName() + " " + o.longestName() + ": no default in \"" + text + "\"");
                }
            }
        }
        assertTrue(commands.size() >= 8, "commands found: " + commands.size());
        assertTrue(missing.isEmpty(), String.join("\n", missing));
    }
}
