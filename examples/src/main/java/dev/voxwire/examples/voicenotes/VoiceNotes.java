package dev.voxwire.examples.voicenotes;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.AudioRequest;
import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.Subscription;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportListener;
import dev.voxwire.core.Transports;
import dev.voxwire.core.VoxwireException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Sends voice notes (WAV files) to a Voxwire server for analysis and collects what it found.
 *
 * <pre>{@code
 * try (VoiceNotes notes = VoiceNotes.builder(URI.create("ws://localhost:8080/ws")).token(token).build()) {
 *     notes.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
 *     VoiceNotes.Report report = notes.analyzeFiles(List.of(Path.of("monday.wav"), Path.of("tuesday.wav")));
 *     report.analysed().forEach(n -> System.out.println(n.name() + ": " + n.duration()));
 * }
 * }</pre>
 *
 * <p>One transport (created by core's {@link Transports}, so the {@code voxwire.transport} flag
 * chooses it) carries every note; notes are sent at once and analysed concurrently. A note the
 * server cannot analyse is reported in {@link Report#failed()} and does not stop the others.
 */
public final class VoiceNotes implements AutoCloseable {
    /** How long one note may take: 30 s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final AudioTransport transport;
    private final Duration timeout;

    private VoiceNotes(Builder b) {
        TransportConfig.Builder config = TransportConfig.builder().uri(b.server);
        if (b.token != null) {
            config.token(b.token);
        }
        b.configCallbacks.forEach(cb -> cb.accept(config));
        Transports transports = b.transports != null ? b.transports : Transports.builder().discoverProviders().build();
        this.transport = transports.create(config.build());
        this.timeout = b.timeout;
    }

    /** A builder for the server at {@code server} (a {@code ws://} or {@code http://} URI). */
    public static Builder builder(URI server) {
        return new Builder(server);
    }

    /** Connects; completes when connected (or fails with a {@link VoxwireException}). */
    public CompletableFuture<Void> connect() {
        return transport.connect().toCompletableFuture();
    }

    /** Listens to the transport's events (connection states, reconnects, results). */
    public Subscription onEvent(TransportListener listener) {
        return transport.onEvent(listener);
    }

    /** The transport's name ({@code websocket}, ...). */
    public String transportName() {
        return transport.name();
    }

    /**
     * Sends one note for analysis.
     *
     * @return completes with the analysis, or fails with a {@link VoxwireException} (the server's
     *     error code, {@code CONNECTION_TIMEOUT} after the timeout)
     */
    public CompletableFuture<NoteAnalysis> analyze(String name, byte[] wav) {
        requireNonNull(name, "name");
        requireNonNull(wav, "wav");
        return transport.sendAudio(AudioRequest.wav(wav)).result().toCompletableFuture()
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(result -> NoteAnalysis.from(name, result));
    }

    /** Sends every note at once and waits for all of them; names are kept in order. */
    public Report analyzeAll(Map<String, byte[]> notes) {
        requireNonNull(notes, "notes");
        Map<String, CompletableFuture<NoteAnalysis>> pending = new LinkedHashMap<>();
        notes.forEach((name, wav) -> pending.put(name, analyze(name, wav)));
        List<NoteAnalysis> analysed = new ArrayList<>();
        Map<String, Failure> failed = new LinkedHashMap<>();
        pending.forEach((name, f) -> {
            try {
                analysed.add(f.join());
            } catch (CompletionException e) {
                failed.put(name, Failure.of(e.getCause()));
            }
        });
        return new Report(analysed, failed);
    }

    /** Reads the files and {@linkplain #analyzeAll analyses} them; each note is named after its file. */
    public Report analyzeFiles(List<Path> files) {
        Map<String, byte[]> notes = new LinkedHashMap<>();
        for (Path f : files) {
            try {
                notes.put(f.getFileName().toString(), Files.readAllBytes(f));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read voice note " + f, e);
            }
        }
        return analyzeAll(notes);
    }

    /** Closes the transport; notes still being analysed fail with {@code CLOSED}. */
    @Override
    public void close() {
        transport.close();
    }

    /** What {@link #analyzeAll} found: the analysed notes, in order, and the failed ones by name. */
    public record Report(List<NoteAnalysis> analysed, Map<String, Failure> failed) {
        public Report {
            analysed = List.copyOf(analysed);
            failed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failed));
        }
    }

    /** Why a note was not analysed. */
    public record Failure(ErrorCode code, String message) {
        public Failure {
            requireNonNull(code, "code");
            requireNonNull(message, "message");
        }

        static Failure of(Throwable t) {
            if (t instanceof VoxwireException v) {
                return new Failure(v.code(), String.valueOf(v.getMessage()));
            }
            if (t instanceof java.util.concurrent.TimeoutException) {
                return new Failure(ErrorCode.CONNECTION_TIMEOUT, "no analysis in time");
            }
            return new Failure(ErrorCode.SERVER_ERROR, String.valueOf(t));
        }
    }

    /** Builds {@link VoiceNotes}. */
    public static final class Builder {
        private final URI server;
        private @Nullable String token;
        private Duration timeout = DEFAULT_TIMEOUT;
        private @Nullable Transports transports;
        private final List<Consumer<TransportConfig.Builder>> configCallbacks = new ArrayList<>();

        private Builder(URI server) {
            this.server = requireNonNull(server, "server");
        }

        /** The bearer token. */
        public Builder token(String token) {
            this.token = requireNonNull(token, "token");
            return this;
        }

        /** How long one note may take (default {@link #DEFAULT_TIMEOUT}). */
        public Builder timeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
            }
            this.timeout = timeout;
            return this;
        }

        /** Further transport settings (reconnect, heartbeat, TLS, ...). */
        public Builder transportConfig(Consumer<TransportConfig.Builder> callback) {
            configCallbacks.add(requireNonNull(callback, "callback"));
            return this;
        }

        /** The transport factory (default: the providers on the class path, flags at their defaults). */
        public Builder transports(Transports transports) {
            this.transports = requireNonNull(transports, "transports");
            return this;
        }

        public VoiceNotes build() {
            return new VoiceNotes(this);
        }
    }
}
