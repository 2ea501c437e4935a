package jdit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** The memory the kernel says can be used now without swapping ({@code MemAvailable} in /proc/meminfo). */
final class AvailableMemory {
    private AvailableMemory() {
    }

    /** Bytes available, or empty where /proc/meminfo is missing or unreadable (not Linux). */
    static OptionalLong bytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    String[] parts = line.trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[1]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
