package dev.voxwire.gemini.bridge;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.gemini.GeminiLiveClient;
import dev.voxwire.gemini.LiveConfig;
import dev.voxwire.gemini.LiveEvent;
import dev.voxwire.gemini.LiveSession;
import dev.voxwire.gemini.Modality;
import dev.voxwire.server.live.LiveBackend;
import dev.voxwire.server.live.LiveBackendListener;
import dev.voxwire.server.live.LiveBackendListener.TranscriptKind;
import dev.voxwire.server.live.LiveBackendSession;
import dev.voxwire.server.live.LiveStart;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link LiveBackend} that opens one Gemini Live session (through a {@link GeminiLiveClient})
 * per client {@code live:start}. The client's goAway handover, resumption and retries happen
 * inside {@link GeminiLiveClient}; the bridge's client only sees a failure when they are exhausted
 * or the service refused the session for good.
 *
 * <p>Each session starts from a base {@link LiveConfig} (model, voice, ...) with the client's
 * response modalities and system instruction, input and output transcription on, and session
 * resumption on. The client and its API key stay on the server.
 */
public final class GeminiLiveBackend implements LiveBackend {
    private final GeminiLiveClient client;
    private final LiveConfig base;
    private final String name;

    private GeminiLiveBackend(GeminiLiveClient client, LiveConfig base, String name) {
        this.client = client;
        this.base = base;
        this.name = name;
    }

    /** A backend named {@code gemini} opening sessions from {@code base}. */
    public static GeminiLiveBackend of(GeminiLiveClient client, LiveConfig base) {
        return new GeminiLiveBackend(requireNonNull(client, "client"), requireNonNull(base, "base"), "gemini");
    }

    /** The same backend reporting {@code name} (for instance {@code simulator}) in {@code live:ready}. */
    public GeminiLiveBackend named(String name) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: \"" + name + "\" (expected: not blank)");
        }
        return new GeminiLiveBackend(client, base, name);
    }

    @Override
    public String name() {
        return name;
    }

    /** The configuration a {@code live:start} gets. */
    LiveConfig configFor(LiveStart start) {
        LiveConfig.Builder b = base.toBuilder()
                .inputAudioTranscription(true)
                .outputAudioTranscription(true)
                .sessionResumption(true);
        if (!start.responseModalities().isEmpty()) {
            Modality first = Modality.valueOf(start.responseModalities().get(0));
            Modality[] more = start.responseModalities().stream().skip(1).map(Modality::valueOf).toArray(Modality[]::new);
            b.responseModalities(first, more);
        }
        start.instruction().ifPresent(b::systemInstruction);
        return b.build();
    }

    @Override
    public CompletionStage<LiveBackendSession> open(LiveStart start, LiveBackendListener listener) {
        LiveConfig config;
        try {
            config = configFor(start);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return client.connect(config, event -> forward(event, listener)).thenApply(Session::new);
    }

    private static void forward(LiveEvent event, LiveBackendListener listener) {
        if (event instanceof LiveEvent.Text t) {
            listener.text(t.text());
        } else if (event instanceof LiveEvent.AudioOut a) {
            listener.audio(a.pcm(), a.sampleRate());
        } else if (event instanceof LiveEvent.InputTranscription t) {
            listener.transcript(TranscriptKind.INPUT, t.text());
        } else if (event instanceof LiveEvent.OutputTranscription t) {
            listener.transcript(TranscriptKind.OUTPUT, t.text());
        } else if (event instanceof LiveEvent.TurnComplete) {
            listener.turnComplete();
        } else if (event instanceof LiveEvent.Interrupted) {
            listener.interrupted();
        } else if (event instanceof LiveEvent.Closed c && c.error() != null) {
            ErrorCode code = c.error();
            listener.failed(code, "the live model session ended: " + c.reason() + " (close code " + c.code() + ")");
        }
        // goAway, resumption updates, reconnects, usage: handled inside the client or not needed by the bridge
    }

    @Override
    public String toString() {
        return "GeminiLiveBackend[name=" + name + ", model=" + base.model() + ", client=" + client + "]";
    }

    private static final class Session implements LiveBackendSession {
        private final LiveSession session;

        Session(LiveSession session) {
            this.session = session;
        }

        @Override
        public void sendAudio(byte[] pcm16kMono) {
            session.sendAudio(pcm16kMono);
        }

        @Override
        public void sendText(String text) {
            session.sendText(text);
        }

        @Override
        public CompletionStage<Void> close() {
            return session.closeAsync();
        }
    }
}
