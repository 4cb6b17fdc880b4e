package dev.voxwire.websocket.connect;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what a connection's listener receives. */
final class ConnRecorder implements WebSocketConnection.Listener {
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    final AtomicInteger pongs = new AtomicInteger();
    final AtomicInteger closedCalls = new AtomicInteger();
    final CompletableFuture<CloseInfo> closed = new CompletableFuture<>();
    final BlockingQueue<Boolean> writability = new LinkedBlockingQueue<>();

    @Override
    public void onText(WebSocketConnection c, String text) {
        texts.add(text);
    }

    @Override
    public void onBinary(WebSocketConnection c, byte[] data) {
        binaries.add(data);
    }

    @Override
    public void onPong(WebSocketConnection c) {
        pongs.incrementAndGet();
    }

    @Override
    public void onWritabilityChanged(WebSocketConnection c, boolean writable) {
        writability.add(writable);
    }

    @Override
    public void onClosed(WebSocketConnection c, CloseInfo info) {
        closedCalls.incrementAndGet();
        closed.complete(info);
    }

    String nextText() throws InterruptedException {
        String t = texts.poll(10, TimeUnit.SECONDS);
        if (t == null) {
            throw new AssertionError("no text message within 10 s");
        }
        return t;
    }

    /** The next text whose type is {@code type}, skipping others. */
    String nextOfType(String type) throws InterruptedException {
        while (true) {
            String t = nextText();
            if (t.contains("\"type\":\"" + type + "\"")) {
                return t;
            }
        }
    }
}
