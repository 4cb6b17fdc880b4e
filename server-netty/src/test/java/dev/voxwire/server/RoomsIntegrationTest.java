package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.reliability.ManualTaskScheduler;
import dev.voxwire.core.reliability.RateLimits;
import dev.voxwire.server.rooms.Room;
import dev.voxwire.server.rooms.RoomAuthorizer;
import dev.voxwire.server.rooms.RoomsHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rooms, messages, receipts, typing, presence, rate limits, authorizer and the channels API over real sockets. */
class RoomsIntegrationTest {
    private final ManualTaskScheduler time = ManualTaskScheduler.create(Instant.now());
    private VoxwireServer server;

    private void start(RateLimits limits, RoomAuthorizer authorizer) {
        RoomsHandler rooms = RoomsHandler.builder().scheduler(time).authorizer(authorizer).build();
        server = VoxwireServer.builder().config(TestServer.config().rateLimits(limits).build())
                .clock(time.clock()).handler(rooms).build().start();
    }

    private void start() {
        start(RateLimits.builder().limit("connect", 1_000_000, Duration.ofMinutes(1)).build(), RoomAuthorizer.ofDefaults());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close(Duration.ofSeconds(2));
        }
    }

    private static String type(JsonNode n) {
        return n.path("type").asText();
    }

    @Test
    void threeClientsJoinSendEditDeleteAndGetReceipts() throws Exception {
        start();
        try (ChatClient alice = ChatClient.connect(server, "alice"); ChatClient bob = ChatClient.connect(server, "bob");
                ChatClient carol = ChatClient.connect(server, "carol")) {
            JsonNode aj = alice.join("channel:general");
            assertThat(aj.path("payload").path("room").asText()).isEqualTo("channel:general");
            assertThat(aj.path("room").asText()).isEmpty();
            assertThat(aj.path("payload").path("epoch").asText()).isNotEmpty();
            assertThat(aj.path("payload").path("offset").asLong()).isZero();
            JsonNode bj = bob.join("channel:general");
            assertThat(bj.path("payload").path("members").findValuesAsText("userId")).containsExactlyInAnyOrder("alice", "bob");
            JsonNode seenByAlice = alice.expect("presence:update");
            assertThat(seenByAlice.path("payload").path("userId").asText()).isEqualTo("bob");
            assertThat(seenByAlice.path("payload").path("status").asText()).isEqualTo("online");
            assertThat(seenByAlice.path("payload").path("room").asText()).isEqualTo("channel:general");
            carol.join("channel:general");

            JsonNode status = alice.say("channel:general", "hello");
            assertThat(type(status)).isEqualTo("message:status");
            assertThat(status.path("payload").path("status").asText()).isEqualTo("sent");
            assertThat(status.path("payload").path("clientMsgId").asText()).isEqualTo("c-hello");
            String messageId = status.path("payload").path("messageId").asText();
            assertThat(messageId).isNotEmpty();
            for (ChatClient c : List.of(alice, bob, carol)) {
                JsonNode m = c.expect("message:new");
                assertThat(m.path("room").asText()).isEqualTo("channel:general");
                assertThat(m.path("seq").asLong()).isPositive();
                assertThat(m.path("payload").path("messageId").asText()).isEqualTo(messageId);
                assertThat(m.path("payload").path("clientMsgId").asText()).isEqualTo("c-hello");
                assertThat(m.path("payload").path("userId").asText()).isEqualTo("alice");
                assertThat(m.path("payload").path("content").asText()).isEqualTo("hello");
                assertThat(m.path("payload").path("createdAt").asText()).isNotEmpty();
                assertThat(m.path("payload").path("offset").asLong()).isEqualTo(1);
            }

            bob.request("message:delivered", "channel:general", "{\"messageId\":\"" + messageId + "\"}");
            carol.request("message:read", "channel:general", "{\"messageId\":\"" + messageId + "\"}");
            JsonNode delivered = alice.expect(n -> type(n).equals("message:status")
                    && n.path("payload").path("status").asText().equals("delivered"));
            assertThat(delivered.path("payload").path("userId").asText()).isEqualTo("bob");
            assertThat(delivered.path("payload").path("messageId").asText()).isEqualTo(messageId);
            JsonNode read = alice.expect(n -> type(n).equals("message:status") && n.path("payload").path("status").asText().equals("read"));
            assertThat(read.path("payload").path("userId").asText()).isEqualTo("carol");

            JsonNode denied = bob.answer(bob.request("message:edit", "channel:general",
                    "{\"messageId\":\"" + messageId + "\",\"content\":\"hijack\"}"));
            assertThat(type(denied)).isEqualTo("error");
            assertThat(denied.path("payload").path("code").asText()).isEqualTo("CHANNEL_ERROR");

            JsonNode edited = alice.answer(alice.request("message:edit", "channel:general",
                    "{\"messageId\":\"" + messageId + "\",\"content\":\"hello, all\"}"));
            assertThat(edited.path("payload").path("status").asText()).isEqualTo("edited");
            for (ChatClient c : List.of(alice, bob, carol)) {
                JsonNode e = c.expect("message:edited");
                assertThat(e.path("payload").path("messageId").asText()).isEqualTo(messageId);
                assertThat(e.path("payload").path("content").asText()).isEqualTo("hello, all");
            }
            JsonNode deleted = alice.answer(alice.request("message:delete", "channel:general",
                    "{\"messageId\":\"" + messageId + "\"}"));
            assertThat(deleted.path("payload").path("status").asText()).isEqualTo("deleted");
            for (ChatClient c : List.of(alice, bob, carol)) {
                assertThat(c.expect("message:deleted").path("payload").path("messageId").asText()).isEqualTo(messageId);
            }
            JsonNode left = carol.answer(carol.request("room:leave", "channel:general", "{}"));
            assertThat(type(left)).isEqualTo("room:left");
            JsonNode notMember = carol.answer(carol.request("message:send", "channel:general", "{\"content\":\"x\"}"));
            assertThat(notMember.path("payload").path("code").asText()).isEqualTo("CHANNEL_ERROR");
            assertThat(server.meterRegistry().find("voxwire.rooms").gauge().value()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void joinWithSinceCatchesUpTheRoomHistory() throws Exception {
        start();
        try (ChatClient alice = ChatClient.connect(server, "alice"); ChatClient bob = ChatClient.connect(server, "bob")) {
            JsonNode joined = alice.join("channel:history");
            String epoch = joined.path("payload").path("epoch").asText();
            bob.join("channel:history");
            alice.say("channel:history", "one");
            alice.answer(alice.request("room:leave", "channel:history", "{}"));
            bob.say("channel:history", "two");
            bob.say("channel:history", "three");
            String id = alice.request("room:join", "channel:history", "{\"since\":{\"epoch\":\"" + epoch + "\",\"offset\":1}}");
            JsonNode two = alice.expect(n -> type(n).equals("message:new") && n.path("payload").path("content").asText().equals("two"));
            assertThat(two.path("payload").path("offset").asLong()).isEqualTo(2);
            JsonNode three = alice.expect(n -> type(n).equals("message:new") && n.path("payload").path("content").asText().equals("three"));
            assertThat(three.path("seq").asLong()).isGreaterThan(two.path("seq").asLong());
            assertThat(alice.unread).noneMatch(n -> n.path("payload").path("requestId").asText().equals(id));
            JsonNode rejoined = alice.answer(id);
            assertThat(rejoined.path("payload").path("recovered").asBoolean()).isTrue();
            assertThat(rejoined.path("payload").path("replayed").asInt()).isEqualTo(2);
            assertThat(rejoined.path("payload").path("offset").asLong()).isEqualTo(3);
            JsonNode stale = alice.answer(alice.request("room:join", "channel:history", "{\"since\":{\"epoch\":\"other\",\"offset\":1}}"));
            assertThat(stale.path("payload").path("recovered").asBoolean()).isFalse();
        }
    }

    @Test
    void typingGoesToOthersAndExpiresAfterFiveSecondsOnTheFakeClock() throws Exception {
        start();
        try (ChatClient alice = ChatClient.connect(server, "alice"); ChatClient bob = ChatClient.connect(server, "bob");
                ChatClient carol = ChatClient.connect(server, "carol")) {
            for (ChatClient c : List.of(alice, bob, carol)) {
                c.join("channel:t");
            }
            alice.request("user:typing", "channel:t", "{\"typing\":true}");
            for (ChatClient c : List.of(bob, carol)) {
                JsonNode t = c.expect("user:typing");
                assertThat(t.path("room").asText()).isEqualTo("channel:t");
                assertThat(t.path("payload").path("userId").asText()).isEqualTo("alice");
                assertThat(t.path("payload").path("typing").asBoolean()).isTrue();
                assertThat(t.path("payload").path("expiresInMs").asLong()).isEqualTo(5000);
            }
            await().until(() -> time.pendingTasks() == 1); // the expiry timer is set right after the broadcast
            time.advance(Duration.ofMillis(4999));
            bob.say("channel:t", "barrier1");
            carol.expect(n -> type(n).equals("message:new") && n.path("payload").path("content").asText().equals("barrier1"));
            assertThat(carol.unreadOf("user:typing")).isEmpty();
            time.advance(Duration.ofMillis(1));
            for (ChatClient c : List.of(bob, carol)) {
                JsonNode t = c.expect("user:typing");
                assertThat(t.path("payload").path("userId").asText()).isEqualTo("alice");
                assertThat(t.path("payload").path("typing").asBoolean()).isFalse();
            }
            alice.say("channel:t", "barrier2");
            alice.expect(n -> type(n).equals("message:new") && n.path("payload").path("content").asText().equals("barrier2"));
            assertThat(alice.unreadOf("user:typing")).as("the typist does not get her own typing events").isEmpty();
            assertThat(time.pendingTasks()).isZero();
        }
    }

    @Test
    void presenceIsAggregatedOverTwoConnectionsOfOneUserAndGoesOfflineAfterTheTtl() throws Exception {
        start();
        try (ChatClient bob = ChatClient.connect(server, "bob")) {
            bob.join("presence:global");
            ChatClient a1 = ChatClient.connect(server, "alice");
            ChatClient a2 = ChatClient.connect(server, "alice");
            List<String> seen = new ArrayList<>();
            seen.add(alicePresence(bob));
            a1.request("presence:update", null, "{\"status\":\"away\"}");
            a2.request("presence:update", null, "{\"status\":\"away\"}");
            seen.add(alicePresence(bob));
            a1.request("presence:update", null, "{\"status\":\"online\"}");
            seen.add(alicePresence(bob));
            a1.kill();
            await().until(() -> server.connections().sessionsOf("alice").size() == 1);
            a2.kill();
            await().until(() -> server.connections().sessionsOf("alice").isEmpty());
            await().until(() -> time.pendingTasks() >= 2);
            bob.say("user:bob", "x").path("type"); // a barrier: nothing announced before the TTL
            assertThat(bob.unreadOf("presence:update")).isEmpty();
            time.advance(Duration.ofSeconds(10));
            seen.add(alicePresence(bob));
            assertThat(seen).containsExactly("online", "away", "online", "offline");
        }
    }

    private static String alicePresence(ChatClient c) throws Exception {
        JsonNode n = c.expect(e -> type(e).equals("presence:update") && e.path("payload").path("userId").asText().equals("alice"));
        assertThat(n.path("room").asText()).isEqualTo("presence:global");
        return n.path("payload").path("status").asText();
    }

    @Test
    void eachRateLimitRefusesTheEventAfterItsNumberAndKeepsTheConnection() throws Exception {
        start(RateLimits.ofDefaults().toBuilder().limit("connect", 1_000_000, Duration.ofMinutes(1)).build(),
                RoomAuthorizer.ofDefaults());
        try (ChatClient alice = ChatClient.connect(server, "alice")) {
            alice.join("channel:rl");
            assertLimit(alice, "message:send", "{\"content\":\"m\"}", 60);
            assertLimit(alice, "user:typing", "{\"typing\":false}", 10);
            assertLimit(alice, "presence:update", "{\"status\":\"online\"}", 30);
            assertThat(alice.ws.ping("still-open").path("type").asText()).isEqualTo("system:pong");
            assertThat(server.meterRegistry().find("voxwire.rate.limit.hits").tag("type", "message:send").counter().count())
                    .isEqualTo(1);
        }
    }

    private static void assertLimit(ChatClient c, String type, String payload, int limit) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i <= limit; i++) {
            ids.add(c.request(type, type.equals("presence:update") ? null : "channel:rl", payload));
        }
        String last = ids.get(limit);
        JsonNode refused = c.answer(last);
        assertThat(type(refused)).isEqualTo("error");
        assertThat(refused.path("payload").path("code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(refused.path("payload").path("retryAfterMs").asLong()).isPositive();
        assertThat(refused.path("payload").path("retrySuggested").asBoolean()).isTrue();
        c.ws.ping("barrier-" + type);
        assertThat(c.unread).noneMatch(n -> n.path("payload").path("code").asText().equals("RATE_LIMITED"));
        c.unread.clear();
    }

    @Test
    void roomAuthorizerDenialIsAChannelError() throws Exception {
        start(RateLimits.builder().limit("connect", 1_000_000, Duration.ofMinutes(1)).build(),
                (session, room) -> room.equals(Room.channel("secret")) ? Optional.of("members only") : Optional.empty());
        try (ChatClient bob = ChatClient.connect(server, "bob")) {
            String id = bob.request("room:join", "channel:secret", "{}");
            JsonNode e = bob.answer(id);
            assertThat(type(e)).isEqualTo("error");
            assertThat(e.path("payload").path("code").asText()).isEqualTo("CHANNEL_ERROR");
            assertThat(e.path("payload").path("message").asText()).contains("members only");
            assertThat(type(bob.join("channel:open"))).isEqualTo("room:joined");
        }
    }

    @Test
    void defaultAuthorizerRefusesAnotherUsersRoom() throws Exception {
        start();
        try (ChatClient bob = ChatClient.connect(server, "bob")) {
            JsonNode e = bob.answer(bob.request("room:join", "user:alice", "{}"));
            assertThat(e.path("payload").path("code").asText()).isEqualTo("CHANNEL_ERROR");
            assertThat(type(bob.join("user:bob"))).isEqualTo("room:joined");
        }
    }

    @Test
    void channelRestChangesReachMembersAndCreatorAsEvents() throws Exception {
        start();
        HttpClient http = HttpClient.newHttpClient();
        try (ChatClient alice = ChatClient.connect(server, "alice"); ChatClient bob = ChatClient.connect(server, "bob")) {
            HttpResponse<String> created = http.send(api("alice", "/api/channels", "POST", "{\"name\":\"Design\"}"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);
            JsonNode channel = EnvelopeCodec.mapper().readTree(created.body());
            String id = channel.path("id").asText();
            assertThat(channel.path("name").asText()).isEqualTo("Design");
            assertThat(channel.path("room").asText()).isEqualTo("channel:" + id);
            JsonNode createdEvent = alice.expect("channel:created");
            assertThat(createdEvent.path("payload").path("id").asText()).isEqualTo(id);

            bob.join("channel:" + id);
            HttpResponse<String> renamed = http.send(api("alice", "/api/channels/" + id, "PATCH", "{\"name\":\"Design 2\"}"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(renamed.statusCode()).isEqualTo(200);
            assertThat(bob.expect("channel:updated").path("payload").path("name").asText()).isEqualTo("Design 2");
            assertThat(alice.expect("channel:updated").path("payload").path("name").asText()).isEqualTo("Design 2");

            HttpResponse<String> list = http.send(api("bob", "/api/channels", "GET", null), HttpResponse.BodyHandlers.ofString());
            assertThat(EnvelopeCodec.mapper().readTree(list.body()).path("channels").findValuesAsText("id")).containsExactly(id);
            HttpResponse<String> members = http.send(api("bob", "/api/channels/" + id + "/members", "GET", null),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(EnvelopeCodec.mapper().readTree(members.body()).path("members").findValuesAsText("userId"))
                    .containsExactly("bob");

            HttpResponse<String> forbidden = http.send(api("bob", "/api/channels/" + id, "DELETE", null),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(forbidden.statusCode()).isEqualTo(403);
            assertThat(EnvelopeCodec.mapper().readTree(forbidden.body()).path("code").asText()).isEqualTo("CHANNEL_ERROR");
            HttpResponse<String> bad = http.send(api("alice", "/api/channels", "POST", "{\"name\":\"\"}"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            HttpResponse<String> unauthenticated = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/channels")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unauthenticated.statusCode()).isEqualTo(401);

            HttpResponse<String> deleted = http.send(api("alice", "/api/channels/" + id, "DELETE", null),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(deleted.statusCode()).isEqualTo(200);
            assertThat(bob.expect("channel:deleted").path("payload").path("id").asText()).isEqualTo(id);
            assertThat(alice.expect("channel:deleted").path("payload").path("id").asText()).isEqualTo(id);
            HttpResponse<String> gone = http.send(api("alice", "/api/channels/" + id, "PATCH", "{\"name\":\"x\"}"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(gone.statusCode()).isEqualTo(404);
            assertThat(EnvelopeCodec.mapper().readTree(gone.body()).path("code").asText()).isEqualTo("NOT_FOUND");
        }
    }

    private HttpRequest api(String user, String path, String method, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + TestServer.token(user))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
