package dev.voxwire.testkit.internal;

import dev.voxwire.testkit.FaultProxy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * One direction of a proxied connection: the chunks read from the source wait here until the
 * faults let them go to the destination. Only used on the connection's event loop.
 *
 * <p>A chunk leaves when {@code readAt + latency} has passed (latency as in force when it leaves,
 * so the order is always kept), when the throttle has budget, and when not stalled. The source is
 * read only while the destination is writable, not too much data waits, and not stalled.
 */
final class Pipe {
    /** Beyond this many waiting bytes the source is not read any more. */
    private static final long HIGH_WATER_BYTES = 1 << 20;
    /** Throttled data leaves in slices of this fraction of a second's worth. */
    private static final long SLICES_PER_SECOND = 20;
    private static final int MAX_SLICE_BYTES = 64 * 1024;

    private final ProxyConnection connection;
    private final LongAdder forwarded;
    private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    private @Nullable Channel source;
    private @Nullable Channel destination;
    private long pendingBytes;
    private boolean sourceClosed;
    private boolean discarded;
    private boolean closingDestination;
    private boolean pumping;
    private boolean pumpAgain;
    private @Nullable ScheduledFuture<?> timer;
    private long lastRate;
    private long nextFreeNanos = System.nanoTime();

    Pipe(ProxyConnection connection, LongAdder forwarded) {
        this.connection = connection;
        this.forwarded = forwarded;
    }

    void source(Channel source) {
        this.source = source;
    }

    void destination(Channel destination) {
        this.destination = destination;
    }

    void enqueue(ByteBuf buf) {
        if (discarded || !buf.isReadable()) {
            buf.release();
            return;
        }
        queue.add(new Chunk(buf, System.nanoTime()));
        pendingBytes += buf.readableBytes();
        pump();
    }

    void sourceClosed() {
        sourceClosed = true;
        pump();
    }

    /** The destination is gone (or the connection is cut): drop everything held, for good. */
    void discard() {
        discarded = true;
        cancelTimer();
        Chunk c;
        while ((c = queue.poll()) != null) {
            c.buf.release();
        }
        pendingBytes = 0;
        updateAutoRead();
    }

    /**
     * Sends what the faults allow now; schedules itself for the rest. Writing and flushing can fire
     * writability events that call back into {@code pump()}: such nested calls only ask the
     * running one to go round once more.
     */
    void pump() {
        if (pumping) {
            pumpAgain = true;
            return;
        }
        pumping = true;
        try {
            do {
                pumpAgain = false;
                pumpOnce();
            } while (pumpAgain);
        } finally {
            pumping = false;
        }
    }

    private void pumpOnce() {
        cancelTimer();
        Channel dst = destination;
        if (discarded || dst == null) {
            updateAutoRead();
            return;
        }
        FaultProxy.Faults faults = connection.faults();
        if (faults.stalled()) {
            updateAutoRead();
            return;
        }
        long latency = faults.latency().toNanos();
        long rate = faults.bytesPerSecond();
        long now = System.nanoTime();
        if (rate != lastRate) {
            lastRate = rate;
            nextFreeNanos = now;
        }
        boolean wrote = false;
        while (!queue.isEmpty()) {
            Chunk head = queue.peek();
            now = System.nanoTime();
            long wait = head.readNanos + latency - now;
            if (rate > 0) {
                wait = Math.max(wait, nextFreeNanos - now);
            }
            if (wait > 0) {
                timer = dst.eventLoop().schedule(this::pump, wait, TimeUnit.NANOSECONDS);
                break;
            }
            ByteBuf out;
            int n;
            int slice = rate > 0 ? sliceBytes(rate) : Integer.MAX_VALUE;
            if (head.buf.readableBytes() > slice) {
                n = slice;
                out = head.buf.readRetainedSlice(n);
            } else {
                queue.poll();
                n = head.buf.readableBytes();
                out = head.buf;
            }
            pendingBytes -= n;
            if (rate > 0) {
                if (nextFreeNanos - now < 0) {
                    nextFreeNanos = now;
                }
                nextFreeNanos += (long) (n * 1_000_000_000.0 / rate);
            }
            int count = n;
            dst.write(out).addListener(f -> {
                if (f.isSuccess()) {
                    forwarded.add(count);
                }
            });
            wrote = true;
        }
        if (wrote) {
            dst.flush();
        }
        if (queue.isEmpty() && sourceClosed && !closingDestination) {
            // Everything read before the source closed is on its way: close after it.
            closingDestination = true;
            dst.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        updateAutoRead();
    }

    private void updateAutoRead() {
        Channel src = source;
        if (src == null) {
            return;
        }
        Channel dst = destination;
        boolean read;
        if (discarded) {
            read = true; // keep reading to notice the close; whatever arrives is dropped
        } else {
            read = dst != null && !connection.faults().stalled() && pendingBytes < HIGH_WATER_BYTES
                    && dst.isWritable();
        }
        if (src.config().isAutoRead() != read) {
            src.config().setAutoRead(read);
        }
    }

    private void cancelTimer() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
            timer = null;
        }
    }

    private static int sliceBytes(long rate) {
        return (int) Math.max(1, Math.min(MAX_SLICE_BYTES, rate / SLICES_PER_SECOND));
    }

    private record Chunk(ByteBuf buf, long readNanos) {
    }
}
