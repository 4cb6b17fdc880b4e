package dev.voxwire.gemini;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorClassifier;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.ProxyOptions;
import dev.voxwire.core.TlsOptions;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.reliability.Checks;
import dev.voxwire.core.reliability.ReconnectPolicy;
import dev.voxwire.core.reliability.TaskScheduler;
import dev.voxwire.gemini.internal.ClientSettings;
import dev.voxwire.gemini.internal.Credential;
import dev.voxwire.gemini.internal.LiveSessionImpl;
import dev.voxwire.gemini.internal.Secrets;
import dev.voxwire.gemini.internal.Wire;
import dev.voxwire.gemini.internal.Wires;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The Gemini Live API client: opens {@link LiveSession}s over WebSocket
 * ({@code BidiGenerateContent}).
 *
 * <pre>{@code
 * try (GeminiLiveClient client = GeminiLiveClient.builder().apiKey(System.getenv("GEMINI_API_KEY")).build()) {
 *     LiveSession session = client.connect(LiveConfig.builder().responseModalities(Modality.TEXT).build(),
 *             event -> System.out.println(event)).get(30, TimeUnit.SECONDS);
 *     session.sendText("Hello!");
 * }
 * }</pre>
 *
 * <p>Credentials: an API key (sent in the {@code x-goog-api-key} header), a key supplier asked on
 * every connection (for rotation), or an ephemeral token (sent as {@code access_token} to the
 * constrained method {@code BidiGenerateContentConstrained}). They never appear in logs,
 * exceptions or {@code toString()}. A missing or malformed credential fails with
 * {@link ErrorCode#AUTH_FAILED} before any connection is opened.
 *
 * <p>Thread-safe. One client can hold many sessions; {@link #close()} closes them and releases
 * the client's event loop and timer thread.
 */
public final class GeminiLiveClient implements AutoCloseable {
    /** The public endpoint's base. */
    public static final URI DEFAULT_BASE_URI = URI.create("wss://generativelanguage.googleapis.com");
    /** TCP, TLS, proxy and WebSocket upgrade: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** From sending {@code setup} to {@code setupComplete}: 15 seconds. */
    public static final Duration DEFAULT_SETUP_TIMEOUT = Duration.ofSeconds(15);
    /** The length of the audio chunks sent: 40 ms. */
    public static final Duration DEFAULT_AUDIO_CHUNK = Duration.ofMillis(40);
    /** The most input a session buffers while it switches connections or reconnects: 16 MiB of JSON. */
    public static final int DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

    private final ClientSettings settings;
    private final @Nullable ScheduledExecutorService ownedTimer;
    private final Set<LiveSessionImpl> sessions = ConcurrentHashMap.newKeySet();
    private final String description;
    private volatile boolean closed;

    private GeminiLiveClient(ClientSettings settings, @Nullable ScheduledExecutorService ownedTimer,
            String description) {
        this.settings = settings;
        this.ownedTimer = ownedTimer;
        this.description = description;
    }

    /** A builder; a credential is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Opens a session; see {@link #connect(LiveConfig, LiveListener)}. */
    public CompletableFuture<LiveSession> connect(LiveConfig config) {
        return connect(config, null);
    }

    /**
     * Opens a session: connects, sends {@code setup} and completes when {@code setupComplete}
     * arrives. {@code listener} (may be null) is registered before the connection opens, so it
     * sees every event, including the first {@link LiveEvent.SessionResumptionUpdate}.
     *
     * <p>Fails with a {@link VoxwireException}: {@code AUTH_FAILED} for a missing or malformed
     * credential (before any connection), {@code CONNECTION_TIMEOUT} when the connection or
     * {@code setupComplete} takes too long, {@code NETWORK} when the server cannot be reached,
     * and a {@link LiveCloseException} (with the close code and the service's reason) when the
     * service closes the connection, for instance 1008 for an unknown model.
     */
    public CompletableFuture<LiveSession> connect(LiveConfig config, @Nullable LiveListener listener) {
        requireNonNull(config, "config");
        if (closed) {
            return CompletableFuture.failedFuture(new VoxwireException(ErrorCode.CLOSED, "the client is closed"));
        }
        CompletableFuture<LiveSession> result = new CompletableFuture<>();
        LiveSessionImpl.connect(settings, config, listener, sessions::remove).whenComplete((s, err) -> {
            if (err != null) {
                result.completeExceptionally(ErrorClassifier.toException(err));
                return;
            }
            LiveSessionImpl impl = (LiveSessionImpl) s;
            sessions.add(impl);
            if (impl.isClosed()) {
                sessions.remove(impl);
            }
            result.complete(s);
        });
        return result;
    }

    /** The sessions opened by this client and not yet closed. */
    public int openSessions() {
        return sessions.size();
    }

    /** Closes every session and releases the client's resources. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (LiveSessionImpl s : sessions) {
            closing.add(s.closeAsync());
        }
        try {
            CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // best effort: the wire closes what is left
        }
        settings.wire().close();
        if (ownedTimer != null) {
            ownedTimer.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return description;
    }

    /** Builds a {@link GeminiLiveClient}; every setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        private @Nullable Supplier<String> secret;
        private boolean ephemeral;
        private URI baseUri = DEFAULT_BASE_URI;
        private @Nullable ApiVersion apiVersion;
        private TlsOptions tls = TlsOptions.ofDefaults();
        private ProxyOptions proxy = ProxyOptions.none();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration setupTimeout = DEFAULT_SETUP_TIMEOUT;
        private ReconnectPolicy reconnect = ReconnectPolicy.ofDefaults();
        private @Nullable TaskScheduler scheduler;
        private Duration audioChunk = DEFAULT_AUDIO_CHUNK;
        private int maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
        private @Nullable Wire wire;

        private Builder() {
        }

        /**
         * The API key, sent in the {@code x-goog-api-key} header.
         *
         * @throws VoxwireException with {@link ErrorCode#AUTH_FAILED} when it is missing or
         *     malformed (not 8-512 visible ASCII characters)
         */
        public Builder apiKey(@Nullable String apiKey) {
            String k = Secrets.requireWellFormed(apiKey, "apiKey");
            this.secret = () -> k;
            this.ephemeral = false;
            return this;
        }

        /**
         * A supplier of the API key, asked on every connection (first connect, handover, reconnect),
         * so a rotated key is picked up. A missing or malformed key fails that connection with
         * {@link ErrorCode#AUTH_FAILED} before it is opened.
         */
        public Builder apiKeySupplier(Supplier<String> apiKeySupplier) {
            this.secret = requireNonNull(apiKeySupplier, "apiKeySupplier");
            this.ephemeral = false;
            return this;
        }

        /**
         * An ephemeral token ({@code auth_tokens/...}): sent as {@code access_token} to
         * {@code BidiGenerateContentConstrained}, on {@code v1alpha} unless {@link #apiVersion} says otherwise.
         */
        public Builder ephemeralToken(@Nullable String token) {
            String t = Secrets.requireWellFormed(token, "ephemeralToken");
            this.secret = () -> t;
            this.ephemeral = true;
            return this;
        }

        /** A supplier of ephemeral tokens, asked on every connection. */
        public Builder ephemeralTokenSupplier(Supplier<String> tokenSupplier) {
            this.secret = requireNonNull(tokenSupplier, "tokenSupplier");
            this.ephemeral = true;
            return this;
        }

        /**
         * Where the service is (default {@link #DEFAULT_BASE_URI}): {@code ws://}, {@code wss://},
         * {@code http://} (as ws) or {@code https://} (as wss); the Live path is appended unless
         * the URI already has one ({@code /ws/...}). Use it for the simulator or a proxy.
         */
        public Builder baseUri(URI baseUri) {
            requireNonNull(baseUri, "baseUri");
            ClientSettings.endpoint(baseUri, null, false); // validates
            if (baseUri.getRawQuery() != null) {
                throw new IllegalArgumentException("baseUri: " + Secrets.redactUri(baseUri)
                        + " (expected: no query; credentials go to apiKey(...) or ephemeralToken(...))");
            }
            this.baseUri = baseUri;
            return this;
        }

        /** As {@link #baseUri(URI)}. */
        public Builder baseUri(String baseUri) {
            return baseUri(URI.create(requireNonNull(baseUri, "baseUri")));
        }

        /** The API version (default {@code v1beta} for keys, {@code v1alpha} for ephemeral tokens). */
        public Builder apiVersion(ApiVersion apiVersion) {
            this.apiVersion = requireNonNull(apiVersion, "apiVersion");
            return this;
        }

        /** TLS settings (default: the JDK trust store, hostname verification on). */
        public Builder tls(TlsOptions tls) {
            this.tls = requireNonNull(tls, "tls");
            return this;
        }

        /** A proxy (default none). */
        public Builder proxy(ProxyOptions proxy) {
            this.proxy = requireNonNull(proxy, "proxy");
            return this;
        }

        /** TCP + TLS + proxy + upgrade (default {@link #DEFAULT_CONNECT_TIMEOUT}). */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Checks.positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** From {@code setup} to {@code setupComplete} (default {@link #DEFAULT_SETUP_TIMEOUT}). */
        public Builder setupTimeout(Duration setupTimeout) {
            this.setupTimeout = Checks.positive(setupTimeout, "setupTimeout");
            return this;
        }

        /**
         * Reconnects after retryable closes (1011, network loss): backoff, attempt budget and the
         * stable period after which the budget resets (default {@link ReconnectPolicy#ofDefaults()}).
         */
        public Builder reconnect(ReconnectPolicy reconnect) {
            this.reconnect = requireNonNull(reconnect, "reconnect");
            return this;
        }

        /** Timers (setup timeout, reconnect backoff) and their clock; default a daemon timer thread. */
        public Builder scheduler(TaskScheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The length of each {@code realtimeInput.audio} chunk, 20-100 ms (default {@link #DEFAULT_AUDIO_CHUNK}). */
        public Builder audioChunk(Duration audioChunk) {
            requireNonNull(audioChunk, "audioChunk");
            if (audioChunk.compareTo(Duration.ofMillis(20)) < 0 || audioChunk.compareTo(Duration.ofMillis(100)) > 0) {
                throw new IllegalArgumentException("audioChunk: " + audioChunk + " (expected: 20-100 ms)");
            }
            this.audioChunk = audioChunk;
            return this;
        }

        /** The most input buffered while switching connections (default {@link #DEFAULT_MAX_BUFFERED_BYTES}). */
        public Builder maxBufferedBytes(int maxBufferedBytes) {
            this.maxBufferedBytes = Checks.positive(maxBufferedBytes, "maxBufferedBytes");
            return this;
        }

        /** Internal: the WebSocket layer (tests). */
        Builder wire(Wire wire) {
            this.wire = requireNonNull(wire, "wire");
            return this;
        }

        /**
         * The client.
         *
         * @throws VoxwireException with {@link ErrorCode#AUTH_FAILED} when no credential was given
         */
        public GeminiLiveClient build() {
            Supplier<String> s = secret;
            if (s == null) {
                throw new VoxwireException(ErrorCode.AUTH_FAILED,
                        "no credential (expected: apiKey(...), apiKeySupplier(...) or ephemeralToken(...))");
            }
            boolean eph = ephemeral;
            String what = eph ? "ephemeralToken" : "apiKey";
            Supplier<Credential> credentials = () -> {
                String value;
                try {
                    value = s.get();
                } catch (RuntimeException e) {
                    throw new VoxwireException(ErrorCode.AUTH_FAILED, what + " supplier failed: "
                            + e.getClass().getSimpleName());
                }
                return new Credential(Secrets.requireWellFormed(value, what), eph);
            };
            ScheduledExecutorService owned = null;
            TaskScheduler sched = scheduler;
            if (sched == null) {
                ScheduledThreadPoolExecutor exec = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread t = new Thread(r, "voxwire-gemini-timer");
                    t.setDaemon(true);
                    return t;
                });
                exec.setRemoveOnCancelPolicy(true);
                owned = exec;
                sched = TaskScheduler.of(exec);
            }
            Wire w = wire != null ? wire : Wires.connector();
            ClientSettings settings = new ClientSettings(w, sched, credentials, baseUri, apiVersion, tls, proxy,
                    connectTimeout, setupTimeout, reconnect, audioChunk, maxBufferedBytes);
            String description = "GeminiLiveClient{baseUri=" + Secrets.redactUri(baseUri) + ", apiVersion="
                    + (apiVersion == null ? "default" : apiVersion.path()) + ", credential="
                    + (eph ? "ephemeral token " : "API key ") + Secrets.REDACTED + ", tls=" + tls + ", proxy=" + proxy
                    + ", connectTimeout=" + connectTimeout + ", setupTimeout=" + setupTimeout + ", reconnect="
                    + reconnect + "}";
            return new GeminiLiveClient(settings, owned, description);
        }

        @Override
        public String toString() {
            return "GeminiLiveClient.Builder{baseUri=" + Secrets.redactUri(baseUri) + ", credential="
                    + (secret == null ? "none" : Secrets.REDACTED) + "}";
        }
    }
}
