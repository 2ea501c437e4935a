package jdit.backend.cpu;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The one threading helper of the CPU backend: runs {@code tasks} independent pieces of work on a fixed set of
 * daemon threads plus the calling thread. Owned by one {@link CpuBackend}; never global.
 */
public final class Parallel implements AutoCloseable {
    private final int threads;
    private final ExecutorService pool;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory f = r -> {
            Thread t = new Thread(r, "jdit-cpu-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1, f) : null;
    }

    public int threads() {
        return threads;
    }

    /**
     * Calls {@code body.accept(i)} for every {@code 0 <= i < tasks}, tasks taken dynamically by the workers and the
     * caller; returns when all are done and rethrows the first failure.
     */
    public void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (pool == null || tasks == 1) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < tasks; ) {
                body.accept(i);
            }
        };
        int helpers = Math.min(threads - 1, tasks - 1);
        Future<?>[] fs = new Future<?>[helpers];
        for (int h = 0; h < helpers; h++) {
            fs[h] = pool.submit(worker);
        }
        RuntimeException failure = null;
        try {
            worker.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for CPU workers", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Splits {@code [0, n)} into about {@code threads * 4} contiguous ranges of at least {@code grain} and runs them. */
    public void forRange(long n, long grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        long chunks = Math.max(1, Math.min((long) threads * 4, n / Math.max(grain, 1)));
        long size = (n + chunks - 1) / chunks;
        int count = (int) ((n + size - 1) / size);
        forEach(count, c -> body.run(c * size, Math.min(n, (c + 1) * size)));
    }

    /** A half-open range of work. */
    @FunctionalInterface
    public interface RangeBody {
        void run(long start, long end);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
