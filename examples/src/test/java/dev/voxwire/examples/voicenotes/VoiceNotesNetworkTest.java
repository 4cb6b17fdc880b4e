package dev.voxwire.examples.voicenotes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.server.analysis.AnalysisHandler;
import dev.voxwire.testkit.AudioFixtures;
import dev.voxwire.testkit.AudioFixtures.Encoding;
import dev.voxwire.testkit.FaultProxy;
import dev.voxwire.testkit.RecordingListener;
import dev.voxwire.testkit.junit5.FaultProxyExtension;
import dev.voxwire.testkit.junit5.VoxwireServerExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Voice notes when the network fails: the app reconnects and goes on. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VoiceNotesNetworkTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    // docs:examples-network
    @RegisterExtension
    static VoxwireServerExtension server = VoxwireServerExtension.builder()
            .configure(b -> b.handler(AnalysisHandler.ofDefaults()))
            .build();

    @RegisterExtension
    static FaultProxyExtension proxy = FaultProxyExtension.builder().target(server).build();

    @Test
    void reconnectsAfterTheNetworkDropsAndAnalysesTheNextNote(FaultProxy network, RecordingListener events)
            throws Exception {
        try (VoiceNotes notes = VoiceNotes.builder(proxy.wsUri("/ws")).token(server.token("alice")).build()) {
            notes.onEvent(events);
            notes.connect().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            events.awaitState(ConnectionState.CONNECTED, WAIT);

            network.cutAll();

            events.await(TransportEvent.Reconnecting.class, WAIT);
            events.awaitState(ConnectionState.CONNECTED, WAIT);
            NoteAnalysis note = notes.analyze("after.wav",
                    AudioFixtures.sine(440, Duration.ofMillis(500), 16_000, 1, Encoding.PCM_S16LE))
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(note.duration()).isEqualTo(Duration.ofMillis(500));
            assertThat(network.totalConnections()).isEqualTo(2);
        }
    }
    // end:examples-network
}
