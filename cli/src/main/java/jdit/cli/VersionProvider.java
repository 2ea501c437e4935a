package jdit.cli;

import picocli.CommandLine;

/** Reports the jdit version from the jar manifest and the Java runtime in use. */
final class VersionProvider implements CommandLine.IVersionProvider {
    /** The jar's version, or "development" when running from classes. */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "jdit " + version(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
