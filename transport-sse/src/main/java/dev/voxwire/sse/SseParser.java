package dev.voxwire.sse;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A streaming {@code text/event-stream} parser that follows the WHATWG HTML "event stream
 * interpretation" rules exactly. Bytes are fed as they arrive, split anywhere (inside a line, a
 * field name, a CRLF pair or a multi-byte UTF-8 character); the same stream gives the same events
 * however it is split.
 *
 * <ul>
 *   <li>a leading UTF-8 BOM is skipped; lines end at CRLF, LF or CR;
 *   <li>{@code event}, {@code data} (several lines joined with {@code \n}), {@code id} (ignored
 *       when it contains NUL; the last event id persists across events), {@code retry} (ASCII
 *       digits only, else ignored); unknown fields are ignored;
 *   <li>lines starting with {@code :} are comments ({@link Listener#onComment});
 *   <li>a line without a colon is a field name with an empty value; one space after the colon is
 *       removed;
 *   <li>an empty line dispatches the event, unless its data is empty; an event still being built
 *       when the stream ends is never dispatched;
 *   <li>invalid UTF-8 becomes U+FFFD, as the standard's decoder does.
 * </ul>
 *
 * <p>Memory is bounded: a line longer than {@link Builder#maxLineBytes(int)} bytes, or event data
 * longer than {@link Builder#maxEventBytes(int)} characters, fails the {@code feed} with
 * {@link ErrorCode#PAYLOAD_TOO_LARGE}; the parser is then unusable (every later {@code feed}
 * fails the same way), as the stream can no longer be trusted.
 *
 * <p>Not thread-safe: feed it from one thread at a time (a Netty channel's event loop). It never
 * retains or releases the buffers it is given.
 */
public final class SseParser {
    /** Default longest line: 4 MiB (the server's largest frame). */
    public static final int DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;
    /** Default largest event data: 4 Mi characters. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;

    /** Receives what the parser finds. Called on the feeding thread, inside {@code feed}. */
    public interface Listener {
        /** An event was dispatched. */
        void onEvent(SseEvent event);

        /** A comment line; {@code text} is what follows the colon (a leading space removed). */
        default void onComment(String text) {
        }

        /** A valid {@code retry} field: the reconnection time the server asks for. */
        default void onRetry(Duration reconnectionTime) {
        }
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final Listener listener;
    private final int maxLineBytes;
    private final int maxEventBytes;

    private byte[] line = new byte[128];
    private int lineLength;
    private boolean skipLf;
    private boolean firstLine = true;
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventIdBuffer = "";
    private String lastEventId = "";
    private @org.jspecify.annotations.Nullable VoxwireException failure;

    private SseParser(Builder b, Listener listener) {
        this.listener = listener;
        this.maxLineBytes = b.maxLineBytes;
        this.maxEventBytes = b.maxEventBytes;
    }

    /** A parser with the default limits. */
    public static SseParser create(Listener listener) {
        return builder().build(listener);
    }

    /** A builder for the limits. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The last event id of the stream: the value of the last valid {@code id} field of the last
     * dispatched event (or event-ending blank line), as {@code Last-Event-ID} would send it. Empty
     * before any.
     */
    public String lastEventId() {
        return lastEventId;
    }

    /** Feeds the readable bytes of {@code in} and consumes them (the reader index moves to the end). */
    public void feed(ByteBuf in) {
        requireNonNull(in, "in");
        checkUsable();
        try {
            while (in.isReadable()) {
                if (skipLf) {
                    skipLf = false;
                    if (in.getByte(in.readerIndex()) == LF) {
                        in.skipBytes(1);
                        continue;
                    }
                }
                int start = in.readerIndex();
                int end = in.forEachByte(ByteProcessor.FIND_CRLF);
                if (end < 0) {
                    append(in, start, in.writerIndex() - start);
                    in.readerIndex(in.writerIndex());
                    return;
                }
                append(in, start, end - start);
                skipLf = in.getByte(end) == CR;
                in.readerIndex(end + 1);
                processLine();
            }
        } catch (VoxwireException e) {
            failure = e;
            in.readerIndex(in.writerIndex());
            throw e;
        }
    }

    /** Feeds {@code bytes}. */
    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    /** Feeds {@code length} bytes of {@code bytes} from {@code offset}. */
    public void feed(byte[] bytes, int offset, int length) {
        requireNonNull(bytes, "bytes");
        feed(io.netty.buffer.Unpooled.wrappedBuffer(bytes, offset, length));
    }

    /**
     * Resets the per-stream state for a new connection: the partial line and event are discarded
     * and the next bytes may start with a BOM. The last event id is kept (as a reconnecting
     * {@code EventSource} keeps it). Clears a failure.
     */
    public void reset() {
        lineLength = 0;
        skipLf = false;
        firstLine = true;
        data.setLength(0);
        eventType = "";
        lastEventIdBuffer = lastEventId;
        failure = null;
        if (line.length > 64 * 1024) {
            line = new byte[128];
        }
    }

    private void checkUsable() {
        VoxwireException f = failure;
        if (f != null) {
            throw new VoxwireException(f.code(), "SSE parser failed earlier: " + f.getMessage());
        }
    }

    private void append(ByteBuf in, int index, int length) {
        if (length == 0) {
            return;
        }
        int needed = lineLength + length;
        if (needed > maxLineBytes) {
            throw new VoxwireException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "SSE line longer than " + maxLineBytes + " bytes (the limit)");
        }
        if (needed > line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(needed, line.length * 2)));
        }
        in.getBytes(index, line, lineLength, length);
        lineLength = needed;
    }

    private void processLine() {
        int from = 0;
        if (firstLine) {
            firstLine = false;
            if (lineLength >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
                from = 3;
            }
        }
        int length = lineLength - from;
        lineLength = 0;
        if (length == 0) {
            dispatch();
            return;
        }
        String text = new String(line, from, length, StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        if (colon == 0) {
            listener.onComment(valueAfter(text, 0));
            return;
        }
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : valueAfter(text, colon);
        switch (field) {
            case "event" -> eventType = value;
            case "data" -> {
                if (data.length() + value.length() + 1 > maxEventBytes) {
                    throw new VoxwireException(ErrorCode.PAYLOAD_TOO_LARGE,
                            "SSE event data longer than " + maxEventBytes + " characters (the limit)");
                }
                data.append(value).append('\n');
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventIdBuffer = value;
                }
            }
            case "retry" -> retry(value);
            default -> {
                // unknown fields are ignored
            }
        }
    }

    private static String valueAfter(String text, int colon) {
        int start = colon + 1;
        if (start < text.length() && text.charAt(start) == ' ') {
            start++;
        }
        return text.substring(start);
    }

    private void retry(String value) {
        if (value.isEmpty()) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return;
            }
        }
        long millis;
        try {
            millis = Long.parseLong(value);
        } catch (NumberFormatException e) {
            millis = Long.MAX_VALUE; // more digits than a long holds: as long as possible
        }
        listener.onRetry(Duration.ofMillis(millis));
    }

    private void dispatch() {
        lastEventId = lastEventIdBuffer;
        if (data.length() == 0) {
            eventType = "";
            return;
        }
        data.setLength(data.length() - 1);
        SseEvent event = new SseEvent(eventType.isEmpty() ? SseEvent.DEFAULT_TYPE : eventType, data.toString(),
                lastEventId);
        data.setLength(0);
        eventType = "";
        listener.onEvent(event);
    }

    @Override
    public String toString() {
        return "SseParser{lastEventId=" + lastEventId + ", maxLineBytes=" + maxLineBytes + "}";
    }

    /** Builds an {@link SseParser}. */
    public static final class Builder {
        private int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
        private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;

        private Builder() {
        }

        /** The longest line accepted, in bytes; default {@link SseParser#DEFAULT_MAX_LINE_BYTES}. */
        public Builder maxLineBytes(int maxLineBytes) {
            if (maxLineBytes <= 0) {
                throw new IllegalArgumentException("maxLineBytes: " + maxLineBytes + " (expected: > 0)");
            }
            this.maxLineBytes = maxLineBytes;
            return this;
        }

        /** The largest event data accepted, in characters; default {@link SseParser#DEFAULT_MAX_EVENT_BYTES}. */
        public Builder maxEventBytes(int maxEventBytes) {
            if (maxEventBytes <= 0) {
                throw new IllegalArgumentException("maxEventBytes: " + maxEventBytes + " (expected: > 0)");
            }
            this.maxEventBytes = maxEventBytes;
            return this;
        }

        /** The parser. */
        public SseParser build(Listener listener) {
            return new SseParser(this, requireNonNull(listener, "listener"));
        }
    }
}
