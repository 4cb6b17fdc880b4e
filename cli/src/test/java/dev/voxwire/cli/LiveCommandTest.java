package dev.voxwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voxwire.testkit.AudioFixtures;
import dev.voxwire.testkit.AudioFixtures.Encoding;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) throws Exception {
        return new LiveCommand(env::get).run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : this.out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    @Test
    void talksToTheEmbeddedSimulatorAndPrintsEveryEventAsAJsonLine() throws Exception {
        Path wav = Files.write(dir.resolve("a.wav"),
                AudioFixtures.speechLike(Duration.ofMillis(400), 22_050, 2, Encoding.PCM_S16LE, 5));
        int code = run(Map.of("GEMINI_API_KEY", "secret-key-not-used-here"), "--file", wav.toString(),
                "--text", "Hello simulator", "--simulator", "--modality", "TEXT");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<JsonNode> events = lines();
        List<String> kinds = events.stream().map(n -> n.path("event").asText()).toList();
        assertThat(kinds).contains("inputTranscription", "text", "generationComplete", "usage", "turnComplete",
                "closed");
        assertThat(kinds.stream().filter("turnComplete"::equals)).hasSize(2);
        StringBuilder text = new StringBuilder();
        events.stream().filter(n -> n.path("event").asText().equals("text"))
                .forEach(n -> text.append(n.path("text").asText()));
        assertThat(text.toString()).isEqualTo("Received 400 ms of audio at 16000 Hz.Hello simulator");
        assertThat(events.get(events.size() - 1).path("code").asInt()).isEqualTo(1000);
        assertThat(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8))
                .doesNotContain("secret-key");
    }

    @Test
    void audioModePrintsAudioEventsWithoutTheSamples() throws Exception {
        int code = run(Map.of(), "--text", "Say something", "--simulator");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<JsonNode> audio = lines().stream().filter(n -> n.path("event").asText().equals("audio")).toList();
        assertThat(audio).isNotEmpty().allSatisfy(n -> {
            assertThat(n.path("sampleRate").asInt()).isEqualTo(24_000);
            assertThat(n.path("bytes").asInt()).isPositive();
            assertThat(n.has("data")).isFalse();
        });
    }

    @Test
    void withoutAKeyOrTheSimulatorItSaysWhatIsMissing() throws Exception {
        assertThat(run(Map.of(), "--text", "hi")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("GEMINI_API_KEY is not set");
        err.reset();
        assertThat(run(Map.of(), "--simulator")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--file or --text is required");
        err.reset();
        assertThat(run(Map.of(), "--text", "x", "--modality", "VIDEO")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--modality: 'VIDEO'");
    }
}
