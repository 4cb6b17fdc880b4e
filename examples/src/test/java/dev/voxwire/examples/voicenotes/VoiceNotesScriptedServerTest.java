package dev.voxwire.examples.voicenotes;

import static dev.voxwire.testkit.assertj.VoxwireAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.testkit.AudioFixtures;
import dev.voxwire.testkit.AudioFixtures.Encoding;
import dev.voxwire.testkit.RecordedRequest;
import dev.voxwire.testkit.RecordingListener;
import dev.voxwire.testkit.ReleaseGate;
import dev.voxwire.testkit.ScriptedResponse;
import dev.voxwire.testkit.ScriptedVoxwireServer;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Voice notes against the scriptable server double: exact answers, errors, and what the app sent. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VoiceNotesScriptedServerTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private ScriptedVoxwireServer server;
    private VoiceNotes notes;

    @BeforeEach
    void start() throws Exception {
        server = ScriptedVoxwireServer.builder().build().start();
        notes = VoiceNotes.builder(server.wsUri()).token("t-1").build();
        notes.connect().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        notes.close();
        server.close();
    }

    // docs:examples-scripted
    @Test
    void readsTheServersAnswerAndSendsTheWavAsBase64() throws Exception {
        server.enqueue("audio:analyze", ScriptedResponse.builder()
                .emit("analysis:progress", "{\"stage\":\"decoded\",\"progress\":0.1}")
                .emit("analysis:result", "{\"durationMs\":1500,\"voicedSegments\":[{\"startMs\":0,\"endMs\":400},"
                        + "{\"startMs\":700,\"endMs\":1200}],\"rmsDbfs\":-20.5,\"pitchHz\":null}")
                .build());
        byte[] wav = AudioFixtures.sine(220, Duration.ofMillis(100), 16_000, 1, Encoding.PCM_S16LE);

        NoteAnalysis note = notes.analyze("memo.wav", wav).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(note.duration()).isEqualTo(Duration.ofMillis(1500));
        assertThat(note.voicedSegments()).isEqualTo(2);
        assertThat(note.rmsDbfs()).isEqualTo(-20.5);
        assertThat(note.pitchHz()).isEmpty();
        RecordedRequest sent = server.takeRequest("audio:analyze", WAIT);
        assertThat(sent.payload().path("format").asText()).isEqualTo("wav");
        assertThat(Base64.getDecoder().decode(sent.payload().path("data").asText())).isEqualTo(wav);
        assertThat(note.requestId()).isEqualTo(sent.requestId());
        assertThat(server.takeHandshake(WAIT).bearerToken()).contains("t-1");
    }
    // end:examples-scripted

    @Test
    void reportsAServerErrorForOneNoteAndStillAnalysesTheOthers() {
        server.enqueue("audio:analyze", ScriptedResponse.error(ErrorCode.RATE_LIMITED, "too many analyses"));
        server.enqueue("audio:analyze", ScriptedResponse.reply("analysis:result", "{\"durationMs\":100}"));
        Map<String, byte[]> inbox = new LinkedHashMap<>();
        inbox.put("first.wav", AudioFixtures.silence(Duration.ofMillis(100), 16_000, 1, Encoding.PCM_S16LE));
        inbox.put("second.wav", AudioFixtures.silence(Duration.ofMillis(100), 16_000, 1, Encoding.PCM_S16LE));

        VoiceNotes.Report report = notes.analyzeAll(inbox);

        assertThat(report.failed()).containsOnlyKeys("first.wav");
        assertThat(report.failed().get("first.wav").code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(report.failed().get("first.wav").message()).contains("too many analyses");
        assertThat(report.analysed()).extracting(NoteAnalysis::name).containsExactly("second.wav");
    }

    // docs:examples-assertions
    @Test
    void aServerErrorReachesTheListenersWithItsRequestId() {
        RecordingListener events = RecordingListener.create();
        notes.onEvent(events);
        server.enqueue("audio:analyze", ScriptedResponse.builder()
                .error(ErrorCode.RATE_LIMITED, "too many analyses", Duration.ofSeconds(2)).build());

        notes.analyze("memo.wav", AudioFixtures.silence(Duration.ofMillis(100), 16_000, 1, Encoding.PCM_S16LE));

        String requestId = server.takeRequest("audio:analyze", WAIT).requestId();
        assertThat(events.await(TransportEvent.Error.class, WAIT))
                .isError(ErrorCode.RATE_LIMITED)
                .hasRequestId(requestId)
                .isRetrySuggested();
    }
    // end:examples-assertions

    @Test
    void aNoteIsPendingUntilTheServerAnswers() throws Exception {
        ReleaseGate analysisDone = ReleaseGate.create();
        server.enqueue("audio:analyze", ScriptedResponse.builder()
                .emit("analysis:progress", "{\"progress\":0.5}")
                .await(analysisDone)
                .emit("analysis:result", "{\"durationMs\":100}")
                .build());

        CompletableFuture<NoteAnalysis> note = notes.analyze("slow.wav",
                AudioFixtures.silence(Duration.ofMillis(100), 16_000, 1, Encoding.PCM_S16LE));
        analysisDone.awaitReached(WAIT);
        assertThat(note).isNotDone();

        analysisDone.release();

        assertThat(note.get(WAIT.toSeconds(), TimeUnit.SECONDS).duration()).isEqualTo(Duration.ofMillis(100));
    }
}
