package sqlgateway.flink;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.CloseableIterator;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Moves rows of one result from Flink's iterator into a bounded buffer on a daemon thread (as the
 * gateway's ResultFetcher does), so Python can poll without blocking and take many rows per call.
 */
public final class RowFetcher {
    private final CloseableIterator<RowData> iterator;
    private final RowEncoder encoder;
    private final Optional<JobClient> job;
    private final int capacity;
    private final ArrayDeque<RowData> buffer = new ArrayDeque<>();
    private boolean finished;
    private boolean closed;
    private Throwable error;
    private Thread thread;

    RowFetcher(
            CloseableIterator<RowData> iterator,
            RowEncoder encoder,
            Optional<JobClient> job,
            int capacity) {
        this.iterator = iterator;
        this.encoder = encoder;
        this.job = job;
        this.capacity = Math.max(1, capacity);
    }

    /** A fetcher over rows already in memory (DDL results, SHOW, job id rows, ...). */
    static RowFetcher ofRows(List<RowData> rows, RowEncoder encoder) {
        RowFetcher f =
                new RowFetcher(
                        CloseableIterator.empty(),
                        encoder,
                        Optional.empty(),
                        Integer.MAX_VALUE);
        f.buffer.addAll(rows);
        f.finished = true;
        return f;
    }

    synchronized void start(String name) {
        if (finished || thread != null) {
            return;
        }
        thread = new Thread(this::drain, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void drain() {
        try {
            while (iterator.hasNext()) {
                RowData row = iterator.next();
                synchronized (this) {
                    while (buffer.size() >= capacity && !closed) {
                        wait(200);
                    }
                    if (closed) {
                        return;
                    }
                    buffer.add(row);
                    notifyAll();
                }
            }
            synchronized (this) {
                finished = true;
                notifyAll();
            }
        } catch (Throwable t) {
            synchronized (this) {
                if (!closed) {
                    error = t;
                }
                finished = true;
                notifyAll();
            }
        }
    }

    /**
     * Up to maxRows rows, waiting up to waitMillis for the first one. Returns null once the result
     * is exhausted; a Batch with error() set when producing rows failed.
     */
    public Batch poll(int maxRows, long waitMillis) throws InterruptedException {
        List<RowData> rows;
        synchronized (this) {
            long deadline = System.currentTimeMillis() + Math.max(0, waitMillis);
            while (buffer.isEmpty() && !finished && !closed) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                wait(left);
            }
            if (buffer.isEmpty()) {
                if (error != null) {
                    return new Batch(Collections.emptyList(), encoder, Failure.json(error));
                }
                if (finished || closed) {
                    return null;
                }
            }
            int n = Math.min(Math.max(0, maxRows), buffer.size());
            rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                rows.add(buffer.poll());
            }
            notifyAll();
        }
        return new Batch(rows, encoder, null);
    }

    /** Stops the drain thread and cancels the job behind the rows (idempotent). */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            buffer.clear();
            notifyAll();
        }
        // Cancelling talks to the cluster, which may be slow or gone: never block the caller.
        Thread closer = new Thread(this::release, "sqlgateway-fetch-close");
        closer.setDaemon(true);
        closer.start();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    private void release() {
        try {
            iterator.close();
        } catch (Throwable ignored) {
            // closing a collect iterator cancels its job; failures here leave nothing to free
        }
        job.ifPresent(
                j -> {
                    try {
                        j.cancel().get(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Throwable ignored) {
                        // the job already ended or the cluster is unreachable
                    }
                });
    }

    /** One polled batch; encodes lazily in either row format. */
    public static final class Batch {
        private final List<RowData> rows;
        private final RowEncoder encoder;
        private final String error;

        Batch(List<RowData> rows, RowEncoder encoder, String error) {
            this.rows = rows;
            this.encoder = encoder;
            this.error = error;
        }

        public int size() {
            return rows.size();
        }

        public String error() {
            return error;
        }

        private volatile String encodeError;

        /** The rows in one format, or null (see encodeError) if they cannot be encoded. */
        public String encode(boolean json) {
            try {
                return encoder.encode(rows, json);
            } catch (Throwable t) {
                encodeError = Failure.json(t);
                return null;
            }
        }

        public String encodeError() {
            return encodeError;
        }

    }
}
