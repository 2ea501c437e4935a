package jdit.cli.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder of numbered PNGs ({@code frame-00000.png}, ...), each carrying the generation parameters. Written into a
 * temporary folder beside the destination and renamed into place by {@link #finish()}; the destination must not
 * exist yet (a folder is not replaced).
 */
public final class PngFramesSink implements FrameSink {
    private final Path target;
    private final Path tmp;
    private final List<PngText> texts;
    private int frames;
    private boolean finished;

    public PngFramesSink(Path target, List<PngText> texts) throws IOException {
        if (Files.exists(target)) {
            throw new IllegalArgumentException(target + " exists; png-frames writes a new folder");
        }
        this.target = target;
        this.texts = List.copyOf(texts);
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        this.tmp = Files.createTempDirectory(dir, "." + target.getFileName() + ".");
    }

    @Override
    public void accept(Rgb8Image frame) throws IOException {
        List<PngText> t = new ArrayList<>(texts);
        t.add(new PngText("frame", Integer.toString(frames)));
        Files.write(tmp.resolve(String.format("frame-%05d.png", frames)), PngWriter.encode(frame, t));
        frames++;
    }

    @Override
    public void finish() throws IOException {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        finished = true;
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public void close() throws IOException {
        if (!finished && Files.exists(tmp)) {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
