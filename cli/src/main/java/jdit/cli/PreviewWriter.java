package jdit.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import jdit.cli.output.PngText;
import jdit.cli.output.PngWriter;
import jdit.cli.output.Rgb8Image;
import jdit.tensor.Tensor;

/**
 * {@code --preview-every N}: every N steps the decoded clean-sample estimate (the first image, or a video's first
 * frame) replaces {@code NAME.preview.png} beside the output, written under a temporary name and renamed.
 */
record PreviewWriter(int every, Path file) {
    static PreviewWriter beside(Path output, int every) {
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return new PreviewWriter(every, output.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".preview.png"));
    }

    void write(int done, Tensor decoded) {
        Tensor chw = decoded.rank() == 5 ? decoded.select(0, 0).select(1, 0) : decoded.select(0, 0);
        try {
            PngWriter.write(file, Rgb8Image.fromSigned(chw), List.of(new PngText("preview-step", Integer.toString(done))));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the preview " + file, e);
        }
    }
}
