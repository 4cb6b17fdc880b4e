package dev.voxwire.testkit.gemini;

import static dev.voxwire.testkit.gemini.LiveTestClient.clientText;
import static dev.voxwire.testkit.gemini.LiveTestClient.setup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatorFaultTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private GeminiLiveSimulator sim;

    private void start(SimulatorScript script) {
        sim = GeminiLiveSimulator.builder().script(script).build().start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void setupCompleteCanBeDelayed() throws Exception {
        start(SimulatorScript.builder().setupCompleteDelay(Duration.ofMillis(400)).build());
        try (LiveTestClient c = LiveTestClient.connect(HTTP, sim)) {
            c.send(setup("TEXT"));
            assertThat(c.poll(Duration.ofMillis(100))).isNull();
            assertThat(c.next().has("setupComplete")).isTrue();
        }
    }

    @Test
    void setupCompleteCanBeWithheldWhileInputIsStillAnswered() throws Exception {
        start(SimulatorScript.builder().noSetupComplete().build());
        try (LiveTestClient c = LiveTestClient.connect(HTTP, sim)) {
            c.send(setup("TEXT"));
            assertThat(c.poll(Duration.ofMillis(200))).isNull();
            c.send(clientText("still here"));
            assertThat(c.next().path("serverContent").has("modelTurn")).isTrue();
        }
    }

    @Test
    void goAwayIsSentAfterTheScriptedTimeThenTheConnectionEndsWith1011() {
        start(SimulatorScript.builder().goAwayAfter(Duration.ofMillis(50), Duration.ofMillis(1500)).build());
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            JsonNode goAway = c.next();
            assertThat(goAway.path("goAway").path("timeLeft").asText()).isEqualTo("1.500s");
            c.send(clientText("still served until the deadline"));
            assertThat(c.untilTurnComplete()).isNotEmpty();
            assertThat(c.awaitClose()).isEqualTo(new LiveTestClient.Closed(1011, GeminiCloseReasons.REASON_DEADLINE_EXPIRED));
        }
    }

    @Test
    void close1011MidTurnCutsTheFirstTurnOnlyOnce() {
        start(SimulatorScript.builder().close1011MidTurn().build());
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send(clientText("a long enough answer to need more than one chunk of text"));
            assertThat(c.next().path("serverContent").has("modelTurn")).isTrue();
            assertThat(c.awaitClose()).isEqualTo(new LiveTestClient.Closed(1011, "Internal error occurred."));
        }
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send(clientText("again"));
            List<JsonNode> turn = c.untilTurnComplete();
            assertThat(turn.get(turn.size() - 2).path("serverContent").path("generationComplete").asBoolean()).isTrue();
        }
        assertThat(sim.sessions().get(0).closeCode()).contains(1011);
    }

    @Test
    void dropMidTurnClosesWithoutACloseFrame() {
        start(SimulatorScript.builder().dropMidTurn().build());
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("AUDIO"))) {
            c.send(clientText("drop me"));
            assertThat(c.next().path("serverContent").has("modelTurn")).isTrue();
            await().untilAsserted(() -> assertThat(sim.activeConnections()).isZero());
            assertThat(sim.sessions().get(0).open()).isFalse();
            assertThat(sim.sessions().get(0).closeCode()).isEmpty();
            c.assertNoCloseFrame();
        }
    }

    @Test
    void scriptedCloseStepClosesWithTheGivenCode() {
        start(SimulatorScript.builder().onTurn(1, ScriptedTurn.builder().text("x")
                .closeWith(1011, "The service is currently unavailable.").build()).build());
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send(clientText("x"));
            assertThat(c.awaitClose()).isEqualTo(new LiveTestClient.Closed(1011, "The service is currently unavailable."));
        }
    }

    @Test
    void goAwayAllClosesAllAfterTimeLeft() {
        start(SimulatorScript.echo());
        try (LiveTestClient a = LiveTestClient.ready(HTTP, sim, setup("TEXT"));
                LiveTestClient b = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            assertThat(sim.activeConnections()).isEqualTo(2);
            sim.goAwayAll(Duration.ofMillis(100));
            assertThat(a.next().path("goAway").path("timeLeft").asText()).isEqualTo("0.100s");
            assertThat(b.next().path("goAway").path("timeLeft").asText()).isEqualTo("0.100s");
            assertThat(a.awaitClose().code()).isEqualTo(1011);
            assertThat(b.awaitClose().code()).isEqualTo(1011);
        }
    }

    @Test
    void dropAllAndCloseAllEndEveryConnection() {
        start(SimulatorScript.echo());
        try (LiveTestClient a = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            sim.closeAll(1011, "Internal error occurred.");
            assertThat(a.awaitClose()).isEqualTo(new LiveTestClient.Closed(1011, "Internal error occurred."));
        }
        try (LiveTestClient b = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            await().untilAsserted(() -> assertThat(sim.activeConnections()).isEqualTo(1));
            sim.dropAll();
            await().untilAsserted(() -> assertThat(sim.activeConnections()).isZero());
            assertThat(sim.sessions().get(1).closeCode()).isEmpty();
            b.assertNoCloseFrame();
        }
    }

    @Test
    void clientCloseIsAnsweredAndRecorded() {
        start(SimulatorScript.echo());
        LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"));
        c.close();
        await().untilAsserted(() -> assertThat(sim.sessions().get(0).open()).isFalse());
        assertThat(sim.sessions().get(0).closeCode()).contains(1000);
    }

    @Test
    void replacingTheScriptRearmsOnceOnlyFaults() {
        start(SimulatorScript.builder().close1011MidTurn().build());
        for (int round = 0; round < 2; round++) {
            try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
                c.send(clientText("cut"));
                assertThat(c.awaitClose().code()).isEqualTo(1011);
            }
            sim.useScript(SimulatorScript.builder().close1011MidTurn().build());
        }
    }
}
