package dev.voxwire.examples.voicenotes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.server.analysis.AnalysisHandler;
import dev.voxwire.testkit.AudioFixtures;
import dev.voxwire.testkit.AudioFixtures.Encoding;
import dev.voxwire.testkit.RecordingListener;
import dev.voxwire.testkit.junit5.VoxwireServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Voice notes against a real Voxwire server with the analysis handler. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VoiceNotesTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    // docs:examples-server
    @RegisterExtension
    static VoxwireServerExtension server = VoxwireServerExtension.builder()
            .configure(b -> b.handler(AnalysisHandler.ofDefaults()))
            .build();

    @Test
    void analysesEveryNoteAndReportsTheOnesTheServerCannotRead(RecordingListener events) throws Exception {
        Map<String, byte[]> inbox = new LinkedHashMap<>();
        inbox.put("tone.wav", AudioFixtures.sine(440, Duration.ofSeconds(1), 16_000, 1, Encoding.PCM_S16LE));
        inbox.put("speech.wav", AudioFixtures.speechLike(Duration.ofSeconds(1), 24_000, 2, Encoding.PCM_S16LE, 7));
        inbox.put("broken.wav", AudioFixtures.truncatedWav());

        try (VoiceNotes notes = VoiceNotes.builder(server.wsUri()).token(server.token("alice")).build()) {
            notes.onEvent(events);
            notes.connect().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            events.awaitState(ConnectionState.CONNECTED, WAIT);

            VoiceNotes.Report report = notes.analyzeAll(inbox);

            assertThat(report.analysed()).extracting(NoteAnalysis::name).containsExactly("tone.wav", "speech.wav");
            NoteAnalysis tone = report.analysed().get(0);
            assertThat(tone.duration()).isEqualTo(Duration.ofSeconds(1));
            assertThat(tone.pitchHz().orElseThrow()).isCloseTo(440, within(5.0));
            assertThat(report.analysed().get(1).voicedSegments()).isPositive();
            assertThat(report.failed()).containsOnlyKeys("broken.wav");
            assertThat(report.failed().get("broken.wav").code()).isEqualTo(ErrorCode.UNSUPPORTED_AUDIO);
        }
    }
    // end:examples-server

    @Test
    void readsNotesFromFilesAndUsesTheWebSocketTransport(@TempDir Path dir) throws Exception {
        Path monday = Files.write(dir.resolve("monday.wav"),
                AudioFixtures.silence(Duration.ofMillis(500), 16_000, 1, Encoding.PCM_S16LE));

        try (VoiceNotes notes = VoiceNotes.builder(server.wsUri()).token(server.token("bob")).build()) {
            notes.connect().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            VoiceNotes.Report report = notes.analyzeFiles(List.of(monday));

            assertThat(notes.transportName()).isEqualTo("websocket");
            assertThat(report.failed()).isEmpty();
            assertThat(report.analysed()).singleElement().satisfies(n -> {
                assertThat(n.name()).isEqualTo("monday.wav");
                assertThat(n.duration()).isEqualTo(Duration.ofMillis(500));
                assertThat(n.voicedSegments()).isZero();
                assertThat(n.pitchHz()).isEmpty();
            });
        }
    }
}
