package jdit.cli.output;

import java.io.IOException;

/**
 * Where a video's frames go as they are decoded, so that a long video is never held whole. {@link #finish()} makes the
 * output appear; {@link #close()} without a finish (an error, a cancellation) removes every trace of it.
 */
public interface FrameSink extends AutoCloseable {
    void accept(Rgb8Image frame) throws IOException;

    /** Completes the output and moves it into place. */
    void finish() throws IOException;

    /** Frames accepted so far. */
    int frames();

    @Override
    void close() throws IOException;
}
