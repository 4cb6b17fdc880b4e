package dev.voxwire.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal blocking WebSocket client over a raw socket, for tests: it can send anything
 * (oversized or fragmented frames, continuation misuse), stop reading, and read close codes.
 */
final class RawWs implements AutoCloseable {
    static final int TEXT = 1, BINARY = 2, CONTINUATION = 0, CLOSE = 8, PING = 9, PONG = 10;

    /** The HTTP answer to the handshake. */
    record Http(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One frame. */
    record Frame(int opcode, boolean fin, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    final Socket socket;
    final Http handshake;
    private final InputStream in;
    private final OutputStream out;

    private RawWs(Socket socket, Http handshake) throws IOException {
        this.socket = socket;
        this.handshake = handshake;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects and upgrades; throws {@link Refused} with the HTTP answer when not 101. */
    static RawWs connect(int port, String target, Map<String, String> headers) throws IOException {
        return connect(port, target, headers, 0);
    }

    static RawWs connect(int port, String target, Map<String, String> headers, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        StringBuilder req = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n");
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        req.append("\r\n");
        s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        Http http = readHttp(s.getInputStream());
        if (http.status() != 101) {
            s.close();
            throw new Refused(http);
        }
        return new RawWs(s, http);
    }

    /** The handshake was answered with something other than 101. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        final transient Http http;

        Refused(Http http) {
            super("handshake refused: " + http.status() + " " + http.body());
            this.http = http;
        }
    }

    static Http readHttp(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the HTTP answer: " + head);
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) {
                h.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
            }
        }
        String body = "";
        if (h.containsKey("content-length")) {
            byte[] b = in.readNBytes(Integer.parseInt(h.get("content-length")));
            body = new String(b, StandardCharsets.UTF_8);
        }
        return new Http(status, h, body);
    }

    void sendText(String text) throws IOException {
        sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(0x80 | 127);
            long n = payload.length;
            for (int i = 7; i >= 0; i--) {
                f.write((int) (n >>> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask);
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        f.write(masked);
        out.write(f.toByteArray());
        out.flush();
    }

    void sendClose(int code) throws IOException {
        sendFrame(CLOSE, true, new byte[] {(byte) (code >>> 8), (byte) code});
    }

    Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = (readByte() << 8) | readByte();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte();
            }
        }
        byte[] p = in.readNBytes((int) len);
        if (p.length < len) {
            throw new EOFException("connection closed inside a frame");
        }
        return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, p);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /** The next text message as JSON, skipping pings; fails on close. */
    JsonNode next() throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == TEXT) {
                return EnvelopeCodec.mapper().readTree(f.payload());
            }
            if (f.opcode() == CLOSE) {
                throw new EOFException("closed with " + f.closeCode());
            }
        }
    }

    /** Reads until an event of {@code type}; returns every event read, the last being it. */
    List<JsonNode> until(String type) throws IOException {
        List<JsonNode> seen = new ArrayList<>();
        while (true) {
            JsonNode n = next();
            seen.add(n);
            if (n.path("type").asText().equals(type)) {
                return seen;
            }
        }
    }

    /** Reads until a close frame; returns its code. */
    int awaitClose() throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == CLOSE) {
                return f.closeCode();
            }
        }
    }

    /** Sends a ping event and waits for its pong; returns it. */
    JsonNode ping(String id) throws IOException {
        sendText("{\"type\":\"system:ping\",\"id\":\"" + id + "\"}");
        List<JsonNode> seen = until("system:pong");
        return seen.get(seen.size() - 1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
