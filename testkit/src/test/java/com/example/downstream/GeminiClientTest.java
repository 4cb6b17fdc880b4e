package com.example.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.testkit.RawWebSocket;
import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import dev.voxwire.testkit.gemini.ScriptedTurn;
import dev.voxwire.testkit.gemini.SimulatorScript;
import dev.voxwire.testkit.junit5.GeminiSimulatorExtension;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Downstream style: code that talks to the Gemini Live API, tested against the simulator. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GeminiClientTest {

    // docs:gemini-extension
    @RegisterExtension
    static GeminiSimulatorExtension gemini = GeminiSimulatorExtension.builder()
            .apiKey("test-key")
            .script(SimulatorScript.builder().otherwise(ScriptedTurn.text("Hello from the simulator")).build())
            .build();

    @Test
    void getsTheScriptedAnswer(GeminiLiveSimulator simulator) {
        URI uri = URI.create(gemini.wsUri() + "?key=" + gemini.apiKey());
        try (RawWebSocket live = RawWebSocket.connect(uri)) {
            live.send("{\"setup\":{\"model\":\"models/gemini-2.5-flash-native-audio-preview-12-2025\","
                    + "\"generationConfig\":{\"responseModalities\":[\"TEXT\"]}}}");
            assertThat(live.nextJson().has("setupComplete")).isTrue();

            live.send("{\"clientContent\":{\"turns\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}],"
                    + "\"turnComplete\":true}}");

            assertThat(live.nextJson().path("serverContent").path("modelTurn").path("parts").path(0).path("text").asText())
                    .isEqualTo("Hello from the simulator");
        }
        assertThat(simulator.sessions()).isNotEmpty();
    }
    // end:gemini-extension
}
