package dev.voxwire.testkit.gemini;

import static dev.voxwire.testkit.gemini.LiveTestClient.clientText;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatorResumptionTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private GeminiLiveSimulator sim;

    @AfterEach
    void stop() {
        sim.close();
    }

    private static String setup(String handle) {
        return "{\"setup\":{\"model\":\"" + LiveTestClient.MODEL + "\",\"generationConfig\":{\"responseModalities\":"
                + "[\"TEXT\"]},\"sessionResumption\":{" + (handle == null ? "" : "\"handle\":\"" + handle + "\"") + "}}}";
    }

    @Test
    void handlesAreIssuedOnlyWhenAskedFor() {
        sim = GeminiLiveSimulator.builder().build().start();
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, LiveTestClient.setup("TEXT"))) {
            c.send(clientText("a"));
            List<JsonNode> turn = c.untilTurnComplete();
            assertThat(turn).noneMatch(m -> m.has("sessionResumptionUpdate"));
            c.send(clientText("b"));
            // had an update followed the first turn, it would come before the second turn's content
            assertThat(c.next().has("serverContent")).isTrue();
        }
    }

    @Test
    void resumingWithAHandleContinuesTheSession() {
        sim = GeminiLiveSimulator.builder()
                .script(SimulatorScript.builder().onTurn(3, ScriptedTurn.text("third turn")).build()).build().start();
        String handle;
        int promptTokens;
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup(null))) {
            JsonNode first = c.next().path("sessionResumptionUpdate");
            assertThat(first.path("resumable").asBoolean()).isTrue();
            assertThat(first.path("newHandle").asText()).isNotEmpty();
            c.send(clientText("one"));
            c.untilTurnComplete();
            c.next(); // handle after turn 1
            c.send(clientText("two"));
            List<JsonNode> turn = c.untilTurnComplete();
            promptTokens = turn.get(turn.size() - 1).path("usageMetadata").path("promptTokenCount").asInt();
            JsonNode update = c.next().path("sessionResumptionUpdate");
            handle = update.path("newHandle").asText();
            assertThat(handle).isNotEqualTo(first.path("newHandle").asText());
        }
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup(handle))) {
            c.next(); // the fresh handle after setupComplete
            c.send(clientText("three"));
            List<JsonNode> turn = c.untilTurnComplete();
            assertThat(turn.get(0).path("serverContent").path("modelTurn").path("parts").path(0).path("text").asText())
                    .isEqualTo("third turn");
            assertThat(turn.get(turn.size() - 1).path("usageMetadata").path("promptTokenCount").asInt())
                    .isGreaterThan(promptTokens);
        }
        SimulatedSession resumed = sim.sessions().get(1);
        assertThat(resumed.resumedFrom()).contains(handle);
        assertThat(resumed.turnCount()).isEqualTo(3);
    }

    @Test
    void unknownHandleIsAnInvalidArgument() {
        sim = GeminiLiveSimulator.builder().build().start();
        try (LiveTestClient c = LiveTestClient.connect(HTTP, sim)) {
            c.send(setup("no-such-handle"));
            assertThat(c.awaitClose()).isEqualTo(new LiveTestClient.Closed(1007, GeminiCloseReasons.REASON_INVALID_ARGUMENT));
        }
    }

    @Test
    void handleCannotChangeTheModel() {
        sim = GeminiLiveSimulator.builder().build().start();
        String handle;
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup(null))) {
            handle = c.next().path("sessionResumptionUpdate").path("newHandle").asText();
        }
        try (LiveTestClient c = LiveTestClient.connect(HTTP, sim)) {
            c.send("{\"setup\":{\"model\":\"models/gemini-3.8-live\",\"sessionResumption\":{\"handle\":\"" + handle + "\"}}}");
            assertThat(c.awaitClose().code()).isEqualTo(1007);
        }
    }

    @Test
    void refusedResumptionClosesWith1007() {
        sim = GeminiLiveSimulator.builder().script(SimulatorScript.builder().refuseResumption().build()).build().start();
        String handle;
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup(null))) {
            handle = c.next().path("sessionResumptionUpdate").path("newHandle").asText();
        }
        try (LiveTestClient c = LiveTestClient.connect(HTTP, sim)) {
            c.send(setup(handle));
            assertThat(c.awaitClose().code()).isEqualTo(1007);
        }
    }
}
