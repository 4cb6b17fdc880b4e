package dev.voxwire.testkit.gemini;

import static dev.voxwire.testkit.gemini.LiveTestClient.clientText;
import static dev.voxwire.testkit.gemini.LiveTestClient.setup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatorScriptTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private GeminiLiveSimulator sim;

    private GeminiLiveSimulator start(SimulatorScript script) {
        sim = GeminiLiveSimulator.builder().script(script).build().start();
        return sim;
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private static String firstText(JsonNode m) {
        return m.path("serverContent").path("modelTurn").path("parts").path(0).path("text").asText();
    }

    @Test
    void toolCallRoundTripWaitsForTheResponseThenAnswers() {
        start(SimulatorScript.builder()
                .onTurn(1, ScriptedTurn.builder()
                        .toolCall("get_weather", Map.of("location", "Redmond, WA"))
                        .awaitToolResponse()
                        .echoToolResponse()
                        .build())
                .build());
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send(clientText("weather?"));
            JsonNode call = c.next().path("toolCall").path("functionCalls").path(0);
            assertThat(call.path("name").asText()).isEqualTo("get_weather");
            assertThat(call.path("args").path("location").asText()).isEqualTo("Redmond, WA");
            String id = call.path("id").asText();
            assertThat(id).startsWith("function-call-");
            c.send("{\"toolResponse\":{\"functionResponses\":[{\"id\":\"" + id
                    + "\",\"name\":\"get_weather\",\"response\":{\"result\":\"sunny\"}}]}}");
            List<JsonNode> turn = c.untilTurnComplete();
            StringBuilder text = new StringBuilder();
            turn.forEach(m -> text.append(firstText(m)));
            assertThat(text.toString()).isEqualTo("get_weather returned {\"result\":\"sunny\"}.");
            assertThat(turn.get(turn.size() - 2).path("serverContent").path("generationComplete").asBoolean()).isTrue();
        }
    }

    @Test
    void scriptedCancellationCancelsTheOutstandingToolCall() {
        start(SimulatorScript.builder()
                .onTurn(1, ScriptedTurn.builder().toolCall("slow", Map.of(), "call-7").cancelToolCalls()
                        .text("never mind").build())
                .build());
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send(clientText("go"));
            assertThat(c.next().path("toolCall").path("functionCalls").path(0).path("id").asText()).isEqualTo("call-7");
            assertThat(c.next().path("toolCallCancellation").path("ids").toString()).isEqualTo("[\"call-7\"]");
            assertThat(firstText(c.next())).isEqualTo("never mind");
        }
    }

    @Test
    void clientInputWhileAToolCallIsOutstandingInterruptsTheTurn() {
        start(SimulatorScript.builder()
                .onTurn(1, ScriptedTurn.builder().toolCall("slow", Map.of("n", 1)).awaitToolResponse().text("late").build())
                .build());
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send(clientText("first"));
            String id = c.next().path("toolCall").path("functionCalls").path(0).path("id").asText();
            c.send(clientText("second"));
            assertThat(c.next().path("toolCallCancellation").path("ids").path(0).asText()).isEqualTo(id);
            assertThat(c.next().path("serverContent").path("interrupted").asBoolean()).isTrue();
            assertThat(c.next().path("serverContent").path("turnComplete").asBoolean()).isTrue();
            List<JsonNode> second = c.untilTurnComplete();
            assertThat(firstText(second.get(0))).isEqualTo("second"); // turn 2 is the echo
        }
    }

    @Test
    void scriptedAudioAndTranscriptsAreSentInOrder() {
        byte[] pcm = new byte[Pcm.OUTPUT_CHUNK_BYTES + 100];
        pcm[0] = 1;
        start(SimulatorScript.builder()
                .otherwise(ScriptedTurn.builder().inputTranscription("what time is it")
                        .audio(pcm).outputTranscription("It is noon.").build())
                .build());
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("AUDIO"))) {
            c.send(clientText("x"));
            assertThat(c.next().path("serverContent").path("inputTranscription").path("text").asText())
                    .isEqualTo("what time is it");
            JsonNode first = c.next().path("serverContent").path("modelTurn").path("parts").path(0).path("inlineData");
            assertThat(Base64.getDecoder().decode(first.path("data").asText())).hasSize(Pcm.OUTPUT_CHUNK_BYTES);
            JsonNode second = c.next().path("serverContent").path("modelTurn").path("parts").path(0).path("inlineData");
            assertThat(Base64.getDecoder().decode(second.path("data").asText())).hasSize(100);
            assertThat(c.next().path("serverContent").path("outputTranscription").path("text").asText())
                    .isEqualTo("It is noon.");
            assertThat(c.next().path("serverContent").path("generationComplete").asBoolean()).isTrue();
        }
    }

    @Test
    void scriptedInterruptionEndsTheTurnWithoutGenerationComplete() {
        start(SimulatorScript.builder().onTurn(1, ScriptedTurn.builder().text("partial").interrupted().build()).build());
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send(clientText("x"));
            List<JsonNode> turn = c.untilTurnComplete();
            assertThat(turn).hasSize(3);
            assertThat(turn.get(1).path("serverContent").path("interrupted").asBoolean()).isTrue();
        }
    }

    @Test
    void turnsWithoutTheirOwnScriptAreEchoed() {
        start(SimulatorScript.builder().onTurn(2, ScriptedTurn.text("scripted two")).build());
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send(clientText("one"));
            assertThat(firstText(c.untilTurnComplete().get(0))).isEqualTo("one");
            c.send(clientText("two"));
            assertThat(firstText(c.untilTurnComplete().get(0))).isEqualTo("scripted two");
            c.send(clientText("three"));
            assertThat(firstText(c.untilTurnComplete().get(0))).isEqualTo("three");
        }
    }

    @Test
    void scriptCanBeReplacedAtRunTime() {
        start(SimulatorScript.echo());
        sim.useScript(SimulatorScript.builder().otherwise(ScriptedTurn.text("replaced")).build());
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send(clientText("x"));
            assertThat(firstText(c.untilTurnComplete().get(0))).isEqualTo("replaced");
        }
    }

    @Test
    void pausedTurnIsInterruptedByNewClientContent() {
        start(SimulatorScript.builder()
                .onTurn(1, ScriptedTurn.builder().text("before").pause(Duration.ofSeconds(30)).text("after").build())
                .build());
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send(clientText("x"));
            assertThat(firstText(c.next())).isEqualTo("before");
            c.send(clientText("y"));
            assertThat(c.next().path("serverContent").path("interrupted").asBoolean()).isTrue();
            assertThat(c.next().path("serverContent").path("turnComplete").asBoolean()).isTrue();
            assertThat(firstText(c.untilTurnComplete().get(0))).isEqualTo("y");
        }
    }

    @Test
    void builderRejectsBadArgumentsShowingTheValue() {
        assertThatThrownBy(() -> SimulatorScript.builder().onTurn(0, ScriptedTurn.echo()))
                .hasMessage("n: 0 (expected: >= 1)");
        assertThatThrownBy(() -> ScriptedTurn.builder().pause(Duration.ZERO))
                .hasMessage("duration: PT0S (expected: > 0)");
        assertThatThrownBy(() -> ScriptedTurn.builder().audio(new byte[3]))
                .hasMessage("pcm24k: 3 bytes (expected: an even number)");
        assertThatThrownBy(() -> GeminiLiveSimulator.builder().port(70000))
                .hasMessage("port: 70000 (expected: 0..65535)");
        assertThatThrownBy(() -> SimulatorScript.builder().setupCompleteDelay(Duration.ofSeconds(-1)))
                .hasMessage("setupCompleteDelay: PT-1S (expected: >= 0)");
    }

    @Test
    void toBuilderKeepsEverySetting() {
        SimulatorScript s = SimulatorScript.builder().onTurn(3, ScriptedTurn.text("x")).noSetupComplete()
                .goAwayAfter(Duration.ofSeconds(1), Duration.ofSeconds(2)).close1011MidTurn().dropMidTurn()
                .refuseResumption().setupCompleteDelay(Duration.ofMillis(5)).build();
        assertThat(s.toBuilder().build().toString()).isEqualTo(s.toString());
        assertThat(s.turn(3).toString()).isEqualTo(ScriptedTurn.text("x").toString());
        assertThat(s.turn(4)).isSameAs(ScriptedTurn.echo());
    }
}
