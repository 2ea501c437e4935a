package jdit.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C during a generation: the JVM's shutdown hook asks the generation to stop after its current step and waits
 * until the command has cleaned up (temporary outputs deleted), so that no partial file is left and the process
 * exits non-zero. Closing this after the generation (normally or not) removes the hook.
 */
final class StopOnInterrupt implements AutoCloseable {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch cleanedUp = new CountDownLatch(1);
    private final Thread hook;

    private StopOnInterrupt(PrintWriter err) {
        hook = new Thread(() -> {
            requested.set(true);
            err.println();
            err.println("jdit: interrupted, stopping after the current step (no output will be written)...");
            err.flush();
            try {
                cleanedUp.await(1, TimeUnit.HOURS); // a step of a large video can take minutes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "jdit-interrupt");
    }

    /** Registers the shutdown hook. */
    static StopOnInterrupt install(PrintWriter err) {
        StopOnInterrupt s = new StopOnInterrupt(err);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /** Whether an interrupt asked the generation to stop. */
    boolean requested() {
        return requested.get();
    }

    /** The hook's thread (tests start it to play an interrupt). */
    Thread hook() {
        return hook;
    }

    @Override
    public void close() {
        cleanedUp.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException shuttingDownOrStarted) {
            // the hook is running: it returns now that the clean-up is done
        }
    }
}
