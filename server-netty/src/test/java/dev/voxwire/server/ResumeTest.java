package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.reliability.ManualTaskScheduler;
import dev.voxwire.server.rooms.RoomsHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WebSocket resume with replay (contract C2): nothing lost, nothing duplicated, reset outside the window. */
class ResumeTest {
    private static final int MESSAGES = 1000;
    private final ManualTaskScheduler time = ManualTaskScheduler.create(Instant.now());
    private VoxwireServer server;

    @BeforeEach
    void start() {
        server = VoxwireServer.builder().config(TestServer.config().build()).clock(time.clock())
                .handler(RoomsHandler.builder().scheduler(time).build()).build().start();
    }

    @AfterEach
    void stop() {
        server.close(Duration.ofSeconds(2));
    }

    private static String type(JsonNode n) {
        return n.path("type").asText();
    }

    @Test
    void connectedAnnouncesTheResumeWindow() throws Exception {
        try (ChatClient c = ChatClient.connect(server, "alice")) {
            assertThat(c.connected.path("payload").path("resumeWindowMs").asLong()).isEqualTo(120_000);
        }
    }

    @Test
    void clientDroppedWhileAThousandMessagesArePublishedGetsEachExactlyOnceInOrderAfterResume() throws Exception {
        ChatClient alice = ChatClient.connect(server, "alice");
        String oldSession = alice.sessionId();
        alice.join("channel:loss");
        try (ChatClient bob = ChatClient.connect(server, "bob")) {
            bob.join("channel:loss");
            // bob publishes in batches (reading his own answers, so he is no slow consumer)
            publish(bob, 0, 200);
            // alice reads part of the stream, then her connection dies without a close frame
            List<Integer> got = new ArrayList<>();
            long lastSeq = 0;
            while (got.size() < 100) {
                JsonNode n = alice.expect(e -> true);
                lastSeq = n.path("seq").asLong();
                if (type(n).equals("message:new")) {
                    got.add(Integer.parseInt(n.path("payload").path("content").asText().substring(1)));
                }
            }
            alice.kill();
            for (int from = 200; from < MESSAGES; from += 200) {
                publish(bob, from, 200);
            }
            await().until(() -> server.connections().sessionsOf("alice").isEmpty());

            try (ChatClient again = ChatClient.connect(server, "alice")) {
                assertThat(again.sessionId()).isNotEqualTo(oldSession);
                again.sendRaw("{\"type\":\"session:resume\",\"id\":\"r-1\",\"payload\":{\"sessionId\":\"" + oldSession
                        + "\",\"lastSeq\":" + lastSeq + "}}");
                long expectedSeq = lastSeq + 1;
                JsonNode n;
                while (!type(n = again.expect(e -> true)).equals("session:resumed")) {
                    assertThat(n.path("seq").asLong()).as("replayed with the original seq, no gap").isEqualTo(expectedSeq++);
                    if (type(n).equals("message:new")) {
                        got.add(Integer.parseInt(n.path("payload").path("content").asText().substring(1)));
                    }
                }
                assertThat(n.path("seq").asLong()).isEqualTo(expectedSeq);
                assertThat(n.path("payload").path("requestId").asText()).isEqualTo("r-1");
                assertThat(n.path("payload").path("sessionId").asText()).isEqualTo(oldSession);
                assertThat(n.path("payload").path("replayed").asLong()).isEqualTo(expectedSeq - lastSeq - 1);
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < MESSAGES; i++) {
                    expected.add(i);
                }
                assertThat(got).as("every message exactly once, in order").isEqualTo(expected);

                // live again, as the old session: same seq counter, same rooms
                bob.say("channel:loss", "live");
                JsonNode live = again.expect(e -> type(e).equals("message:new"));
                assertThat(live.path("payload").path("content").asText()).isEqualTo("live");
                assertThat(live.path("seq").asLong()).isEqualTo(expectedSeq + 1);
                assertThat(server.connections().sessionsOf("alice")).singleElement()
                        .satisfies(s -> assertThat(s.sessionId()).isEqualTo(oldSession));
                JsonNode pong = again.ws.ping("after-resume");
                assertThat(pong.path("seq").asLong()).isEqualTo(expectedSeq + 2);
            }
        }
    }

    private static void publish(ChatClient bob, int from, int n) throws Exception {
        for (int i = from; i < from + n; i++) {
            bob.request("message:send", "channel:loss", "{\"content\":\"m" + i + "\"}");
        }
        for (int i = 0; i < n; i++) {
            bob.expect("message:status");
        }
        bob.unread.clear();
    }

    @Test
    void resumeAfterTheWindowHasPassedIsAReset() throws Exception {
        ChatClient alice = ChatClient.connect(server, "alice");
        String oldSession = alice.sessionId();
        alice.join("channel:late");
        long lastSeq = alice.ws.ping("p").path("seq").asLong();
        alice.kill();
        await().until(() -> server.connections().sessionsOf("alice").isEmpty());
        time.advance(ServerConfig.DEFAULT_RESUME_WINDOW.plusSeconds(1));
        try (ChatClient again = ChatClient.connect(server, "alice")) {
            again.sendRaw("{\"type\":\"session:resume\",\"id\":\"r-2\",\"payload\":{\"sessionId\":\"" + oldSession
                    + "\",\"lastSeq\":" + lastSeq + "}}");
            JsonNode reset = again.answer("r-2");
            assertThat(type(reset)).isEqualTo("session:reset");
            assertThat(reset.path("payload").path("reason").asText()).contains("resume window");
            assertThat(reset.path("seq").asLong()).isEqualTo(2); // the new session goes on
            assertThat(again.ws.ping("p2").path("seq").asLong()).isEqualTo(3);
            assertThat(server.connections().sessionsOf("alice")).singleElement()
                    .satisfies(s -> assertThat(s.sessionId()).isEqualTo(again.sessionId()));
        }
    }

    @Test
    void resumeOfAnUnknownOrForeignSessionIsAReset() throws Exception {
        ChatClient bob = ChatClient.connect(server, "bob");
        String bobs = bob.sessionId();
        bob.kill();
        await().until(() -> server.connections().sessionsOf("bob").isEmpty());
        try (ChatClient alice = ChatClient.connect(server, "alice")) {
            alice.sendRaw("{\"type\":\"session:resume\",\"id\":\"r-3\",\"payload\":{\"sessionId\":\"" + bobs + "\",\"lastSeq\":1}}");
            assertThat(type(alice.answer("r-3"))).isEqualTo("session:reset");
            alice.sendRaw("{\"type\":\"session:resume\",\"id\":\"r-4\",\"payload\":{\"sessionId\":\"nope\",\"lastSeq\":1}}");
            assertThat(type(alice.answer("r-4"))).isEqualTo("session:reset");
        }
    }

    @Test
    void resumeWithALastSeqNoLongerKeptIsAReset() throws Exception {
        server.close(Duration.ofSeconds(2));
        server = VoxwireServer.builder().config(TestServer.config().resumeHistorySize(5).build()).clock(time.clock())
                .handler(RoomsHandler.builder().scheduler(time).build()).build().start();
        ChatClient alice = ChatClient.connect(server, "alice");
        String old = alice.sessionId();
        for (int i = 0; i < 10; i++) {
            alice.ws.ping("p" + i);
        }
        alice.kill();
        await().until(() -> server.connections().sessionsOf("alice").isEmpty());
        try (ChatClient again = ChatClient.connect(server, "alice")) {
            again.sendRaw("{\"type\":\"session:resume\",\"id\":\"r-5\",\"payload\":{\"sessionId\":\"" + old + "\",\"lastSeq\":1}}");
            JsonNode reset = again.answer("r-5");
            assertThat(type(reset)).isEqualTo("session:reset");
            assertThat(reset.path("payload").path("reason").asText()).contains("no longer kept");
        }
    }
}
