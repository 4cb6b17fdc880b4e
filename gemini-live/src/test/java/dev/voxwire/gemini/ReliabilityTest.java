package dev.voxwire.gemini;

import static dev.voxwire.gemini.EventRecorder.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.reliability.ReconnectPolicy;
import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import dev.voxwire.testkit.gemini.ScriptedTurn;
import dev.voxwire.testkit.gemini.SimulatedSession;
import dev.voxwire.testkit.gemini.SimulatorScript;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** goAway handover, resumption after 1011 and network loss, and what is not retried. */
class ReliabilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ReconnectPolicy FAST = ReconnectPolicy.builder()
            .minDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(100)).build();

    private GeminiLiveSimulator sim;
    private GeminiLiveClient client;

    private void start(SimulatorScript script, ReconnectPolicy policy) {
        sim = GeminiLiveSimulator.builder().script(script).build().start();
        client = GeminiLiveClient.builder().apiKey(GeminiLiveClientTest.KEY).baseUri(sim.baseUrl())
                .reconnect(policy).build();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private LiveSession connect(EventRecorder rec) throws Exception {
        return client.connect(LiveConfig.builder().responseModalities(Modality.TEXT).build(), rec)
                .get(15, TimeUnit.SECONDS);
    }

    /** 20 ms of quiet 16 kHz audio (below the simulator's speech threshold) that carries its index. */
    private static byte[] numberedChunk(int index) {
        ByteBuffer b = ByteBuffer.allocate(640).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (index % 900));
        b.putShort((short) (index / 900));
        return b.array();
    }

    private static int indexOf(byte[] chunk) {
        ByteBuffer b = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        return b.getShort(0) + 900 * b.getShort(2);
    }

    private static List<Integer> audioIndexes(SimulatedSession s) throws Exception {
        List<Integer> out = new ArrayList<>();
        for (String m : s.receivedMessages()) {
            JsonNode audio = JSON.readTree(m).path("realtimeInput").path("audio");
            if (audio.has("data")) {
                out.add(indexOf(Base64.getDecoder().decode(audio.path("data").asText())));
            }
        }
        return out;
    }

    @Test
    void goAwayHandsOverToANewResumedConnectionWithoutLosingOrDuplicatingAudio() throws Exception {
        // every connection gets a goAway 300 ms after setup and is cut with 1011 two seconds later
        start(SimulatorScript.builder().goAwayAfter(Duration.ofMillis(300), Duration.ofSeconds(2)).build(), FAST);
        EventRecorder rec = new EventRecorder();
        LiveSession session = connect(rec);

        int total = 150;
        AtomicInteger next = new AtomicInteger();
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        CompletableFuture<Void> allSent = new CompletableFuture<>();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try {
            ScheduledFuture<?> task = pacer.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (i < total) {
                    sends.add(session.sendAudio(numberedChunk(i)));
                } else if (i == total) {
                    allSent.complete(null);
                }
            }, 0, 10, TimeUnit.MILLISECONDS);
            allSent.get(30, TimeUnit.SECONDS);
            task.cancel(false);
        } finally {
            pacer.shutdown();
        }
        CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).get(15, TimeUnit.SECONDS);
        session.sendText("done").get(5, TimeUnit.SECONDS);
        assertThat(text(rec.untilTurnComplete())).isEqualTo("done");

        List<LiveEvent.Resumed> handovers = EventRecorder.only(rec.all, LiveEvent.Resumed.class);
        assertThat(handovers).isNotEmpty().allSatisfy(r -> {
            assertThat(r.handover()).isTrue();
            assertThat(r.resumed()).isTrue();
        });
        assertThat(EventRecorder.only(rec.all, LiveEvent.GoAway.class)).isNotEmpty();
        assertThat(EventRecorder.only(rec.all, LiveEvent.Reconnecting.class)).isEmpty();

        List<SimulatedSession> sessions = sim.sessions();
        assertThat(sessions).hasSizeGreaterThanOrEqualTo(2);
        List<Integer> received = new ArrayList<>();
        for (SimulatedSession s : sessions) {
            received.addAll(audioIndexes(s));
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            expected.add(i);
        }
        assertThat(received).as("audio chunks across %d connections", sessions.size()).isEqualTo(expected);
        for (int i = 1; i < sessions.size(); i++) {
            assertThat(sessions.get(i).resumedFrom()).as("connection %d resumed", i).isPresent();
        }
        // the replaced connections were closed by the client, before the service's deadline
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<SimulatedSession> now = sim.sessions();
            for (int i = 0; i < now.size() - 1; i++) {
                assertThat(now.get(i).open()).isFalse();
                assertThat(now.get(i).closeCode()).contains(1000);
            }
        });
    }

    @Test
    void internalErrorMidTurnIsRecoveredByResumption() throws Exception {
        start(SimulatorScript.builder().close1011MidTurn().build(), FAST);
        EventRecorder rec = new EventRecorder();
        LiveSession session = connect(rec);
        session.sendText("This answer is long enough to arrive in several chunks, so it is cut after the first.");

        LiveEvent.Reconnecting r = rec.next(LiveEvent.Reconnecting.class);
        assertThat(r.closeCode()).isEqualTo(1011);
        assertThat(r.reason()).isEqualTo("Internal error occurred.");
        assertThat(r.cause()).isEqualTo(ErrorCode.SERVER_ERROR);
        LiveEvent.Resumed resumed = rec.next(LiveEvent.Resumed.class);
        assertThat(resumed.resumed()).isTrue();
        assertThat(resumed.handover()).isFalse();

        session.sendText("Are you back?");
        assertThat(text(rec.untilTurnComplete())).isEqualTo("Are you back?");
        assertThat(sim.sessions()).hasSize(2);
        assertThat(sim.sessions().get(1).resumedFrom()).isPresent();
        assertThat(sim.sessions().get(0).closeCode()).contains(1011);
    }

    @Test
    void networkLossIsRecoveredAndInputSentMeanwhileIsDelivered() throws Exception {
        start(SimulatorScript.builder().dropMidTurn().build(), FAST);
        EventRecorder rec = new EventRecorder();
        LiveSession session = connect(rec);
        session.sendText("This answer is long enough to arrive in several chunks, so it is cut after the first.");
        LiveEvent.Reconnecting r = rec.next(LiveEvent.Reconnecting.class);
        assertThat(r.closeCode()).isEqualTo(1006);
        assertThat(r.cause()).isEqualTo(ErrorCode.NETWORK);
        CompletableFuture<Void> buffered = session.sendText("sent while reconnecting");
        rec.next(LiveEvent.Resumed.class);
        buffered.get(10, TimeUnit.SECONDS);
        assertThat(text(rec.untilTurnComplete())).isEqualTo("sent while reconnecting");
        assertThat(sim.sessions()).hasSize(2);
    }

    @Test
    void refusedResumptionFallsBackToAFreshSessionAndSaysSo() throws Exception {
        start(SimulatorScript.builder().close1011MidTurn().refuseResumption().build(), FAST);
        EventRecorder rec = new EventRecorder();
        LiveSession session = connect(rec);
        session.sendText("This answer is long enough to arrive in several chunks, so it is cut after the first.");
        LiveEvent.Resumed resumed = rec.next(LiveEvent.Resumed.class);
        assertThat(resumed.resumed()).isFalse();
        session.sendText("fresh start");
        assertThat(text(rec.untilTurnComplete())).isEqualTo("fresh start");
        assertThat(sim.sessions()).hasSize(3); // cut, refused handle, fresh
        assertThat(sim.sessions().get(1).closeCode()).contains(1007);
    }

    @Test
    void invalidArgumentCloseIsSurfacedWithTheServiceReasonAndNotRetried() throws Exception {
        start(SimulatorScript.builder().onTurn(1, ScriptedTurn.builder()
                .closeWith(1007, "Request contains an invalid argument.").build()).build(), FAST);
        EventRecorder rec = new EventRecorder();
        LiveSession session = connect(rec);
        session.sendText("anything");
        LiveEvent.Closed closed = rec.next(LiveEvent.Closed.class);
        assertThat(closed.code()).isEqualTo(1007);
        assertThat(closed.reason()).isEqualTo("Request contains an invalid argument.");
        assertThat(closed.errorCode()).contains(ErrorCode.INVALID_PAYLOAD);
        assertThat(EventRecorder.only(rec.all, LiveEvent.Reconnecting.class)).isEmpty();
        assertThat(session.closeFuture()).isCompletedWithValue(closed);
        client.close();
        assertThat(sim.sessions()).hasSize(1);
    }

    @Test
    void policyViolationCloseIsSurfacedAndNotRetried() throws Exception {
        start(SimulatorScript.builder().onTurn(1, ScriptedTurn.builder()
                .closeWith(1008, "Operation is not implemented, or supported, or enabled").build()).build(), FAST);
        EventRecorder rec = new EventRecorder();
        LiveSession session = connect(rec);
        session.sendText("anything");
        LiveEvent.Closed closed = rec.next(LiveEvent.Closed.class);
        assertThat(closed.code()).isEqualTo(1008);
        assertThat(closed.reason()).isEqualTo("Operation is not implemented, or supported, or enabled");
        assertThat(closed.errorCode()).contains(ErrorCode.PROTOCOL);
        assertThat(session.isClosed()).isTrue();
        client.close();
        assertThat(sim.sessions()).hasSize(1);
    }

    @Test
    void expiredKeyCloseIsAnAuthFailure() throws Exception {
        start(SimulatorScript.builder().onTurn(1, ScriptedTurn.builder()
                .closeWith(1007, "API key expired. Please renew the API key.").build()).build(), FAST);
        EventRecorder rec = new EventRecorder();
        connect(rec).sendText("anything");
        LiveEvent.Closed closed = rec.next(LiveEvent.Closed.class);
        assertThat(closed.errorCode()).contains(ErrorCode.AUTH_FAILED);
        client.close();
        assertThat(sim.sessions()).hasSize(1);
    }

    @Test
    void repeatedFailuresSpendTheConsecutiveBudgetThenTheSessionCloses() throws Exception {
        // every turn is cut with 1011; the stable period is long, so the budget of 2 is not reset
        start(SimulatorScript.builder().otherwise(ScriptedTurn.builder()
                        .closeWith(1011, "The service is currently unavailable.").build()).build(),
                FAST.toBuilder().maxAttempts(2).stablePeriod(Duration.ofMinutes(5)).build());
        EventRecorder rec = new EventRecorder();
        LiveSession session = connect(rec);
        for (int i = 0; i < 2; i++) {
            session.sendText("turn " + i);
            rec.next(LiveEvent.Reconnecting.class);
            rec.next(LiveEvent.Resumed.class);
        }
        session.sendText("last");
        LiveEvent.Closed closed = rec.next(LiveEvent.Closed.class);
        assertThat(closed.code()).isEqualTo(1011);
        assertThat(closed.reason()).isEqualTo("The service is currently unavailable.");
        assertThat(closed.errorCode()).contains(ErrorCode.SERVER_ERROR);
        client.close();
        assertThat(sim.sessions()).hasSize(3);
    }
}
