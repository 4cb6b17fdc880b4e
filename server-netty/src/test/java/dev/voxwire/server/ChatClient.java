package dev.voxwire.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A test chat client over {@link RawWs}: keeps every event it read, and finds the next unconsumed
 * event of a type (reading more as needed; the socket read timeout fails a test that waits in
 * vain).
 */
final class ChatClient implements AutoCloseable {
    final RawWs ws;
    final JsonNode connected;
    final List<JsonNode> unread = new ArrayList<>();
    final List<JsonNode> all = new ArrayList<>();
    private int ids;

    private ChatClient(RawWs ws) throws IOException {
        this.ws = ws;
        this.connected = ws.next();
        all.add(connected);
    }

    static ChatClient connect(VoxwireServer server, String user) throws IOException {
        return new ChatClient(RawWs.connect(server.port(), "/ws", TestServer.bearer(user)));
    }

    static ChatClient connect(VoxwireServer server, String path, Map<String, String> headers) throws IOException {
        return new ChatClient(RawWs.connect(server.port(), path, headers));
    }

    String sessionId() {
        return connected.path("payload").path("sessionId").asText();
    }

    /** Sends {type, id, room, payload}; returns the id. */
    String request(String type, String room, String payloadJson) throws IOException {
        String id = "q-" + (++ids);
        ws.sendText("{\"type\":\"" + type + "\",\"id\":\"" + id + "\""
                + (room == null ? "" : ",\"room\":\"" + room + "\"") + ",\"payload\":" + payloadJson + "}");
        return id;
    }

    void sendRaw(String json) throws IOException {
        ws.sendText(json);
    }

    private JsonNode read() throws IOException {
        JsonNode n = ws.next();
        all.add(n);
        return n;
    }

    /** The next unconsumed event matching; other events stay unread. */
    JsonNode expect(Predicate<JsonNode> p) throws IOException {
        for (Iterator<JsonNode> it = unread.iterator(); it.hasNext();) {
            JsonNode n = it.next();
            if (p.test(n)) {
                it.remove();
                return n;
            }
        }
        while (true) {
            JsonNode n = read();
            if (p.test(n)) {
                return n;
            }
            unread.add(n);
        }
    }

    JsonNode expect(String type) throws IOException {
        return expect(n -> n.path("type").asText().equals(type));
    }

    /** The answer (any event) carrying {@code payload.requestId == id}. */
    JsonNode answer(String id) throws IOException {
        return expect(n -> n.path("payload").path("requestId").asText().equals(id));
    }

    JsonNode join(String room) throws IOException {
        JsonNode j = answer(request("room:join", room, "{}"));
        if (!j.path("type").asText().equals("room:joined")) {
            throw new AssertionError("join of " + room + " failed: " + j);
        }
        return j;
    }

    /** Sends a message and returns its {@code message:status}. */
    JsonNode say(String room, String content) throws IOException {
        return answer(request("message:send", room, "{\"content\":\"" + content + "\",\"clientMsgId\":\"c-" + content + "\"}"));
    }

    /** Unconsumed events of a type read so far. */
    List<JsonNode> unreadOf(String type) {
        return unread.stream().filter(n -> n.path("type").asText().equals(type)).toList();
    }

    /** Cuts the TCP connection without a close frame (RST). */
    void kill() throws IOException {
        Socket s = ws.socket;
        s.setSoLinger(true, 0);
        s.close();
    }

    @Override
    public void close() throws IOException {
        ws.close();
    }
}
