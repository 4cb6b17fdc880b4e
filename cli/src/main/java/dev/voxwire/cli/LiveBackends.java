package dev.voxwire.cli;

import dev.voxwire.gemini.GeminiLiveClient;
import dev.voxwire.gemini.LiveConfig;
import dev.voxwire.gemini.bridge.GeminiLiveBackend;
import dev.voxwire.server.SessionListener;
import dev.voxwire.server.live.LiveBridgeHandler;
import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The model behind {@code serve}'s live bridge ({@code /ws/live}), chosen by
 * {@value #BACKEND_ENV} ({@code voxwire.live.backend}):
 * <ul>
 *   <li>{@code simulator} (the default): an embedded Gemini Live simulator on a random loopback
 *       port, so the demo works with no key and no network;</li>
 *   <li>{@code gemini}: Google's Gemini Live service with the key in {@value #API_KEY_ENV}
 *       (and the model in {@value #MODEL_ENV}, optional).</li>
 * </ul>
 * Closed when the server stops (it is the server's {@link SessionListener}). Public so that the
 * browser tests (module {@code web-tests}) bridge to the same backend as {@code serve}.
 */
public final class LiveBackends implements SessionListener, AutoCloseable {
    static final String BACKEND_ENV = "VOXWIRE_LIVE_BACKEND";
    static final String API_KEY_ENV = "GEMINI_API_KEY";
    static final String MODEL_ENV = "VOXWIRE_LIVE_MODEL";
    private static final String SIMULATOR_KEY = "embedded-simulator-key";

    private final @Nullable GeminiLiveSimulator simulator;
    private final GeminiLiveClient client;
    private final LiveBridgeHandler handler;
    private final String description;

    private LiveBackends(@Nullable GeminiLiveSimulator simulator, GeminiLiveClient client, LiveBridgeHandler handler,
            String description) {
        this.simulator = simulator;
        this.client = client;
        this.handler = handler;
        this.description = description;
    }

    /** The backend the environment asks for; a usage error when it cannot be built. */
    public static LiveBackends create(Function<String, String> env) {
        String choice = value(env, BACKEND_ENV, "simulator").toLowerCase(Locale.ROOT);
        LiveConfig.Builder config = LiveConfig.builder();
        String model = env.apply(MODEL_ENV);
        if (model != null && !model.isBlank()) {
            config.model(model.trim());
        }
        switch (choice) {
            case "simulator" -> {
                GeminiLiveSimulator sim = GeminiLiveSimulator.builder().port(0).host("127.0.0.1").build().start();
                GeminiLiveClient client = GeminiLiveClient.builder().apiKey(SIMULATOR_KEY).baseUri(sim.baseUrl()).build();
                LiveBridgeHandler handler = LiveBridgeHandler.of(
                        GeminiLiveBackend.of(client, config.build()).named("simulator"));
                return new LiveBackends(sim, client, handler, "simulator (embedded Gemini Live simulator on "
                        + sim.baseUrl() + ")");
            }
            case "gemini" -> {
                String key = env.apply(API_KEY_ENV);
                if (key == null || key.isBlank()) {
                    throw new Args.UsageException(BACKEND_ENV + "=gemini needs " + API_KEY_ENV + " to be set");
                }
                GeminiLiveClient client;
                try {
                    client = GeminiLiveClient.builder().apiKey(key.trim()).build();
                } catch (RuntimeException e) {
                    throw new Args.UsageException(API_KEY_ENV + ": " + e.getMessage());
                }
                LiveConfig live = config.build();
                return new LiveBackends(null, client, LiveBridgeHandler.of(GeminiLiveBackend.of(client, live)),
                        "gemini (" + live.model() + ")");
            }
            default -> throw new Args.UsageException(BACKEND_ENV + ": " + choice + " (expected: simulator or gemini)");
        }
    }

    private static String value(Function<String, String> env, String name, String fallback) {
        String v = env.apply(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    /** The bridge handler to register. */
    public LiveBridgeHandler handler() {
        return handler;
    }

    /** What {@code serve} prints. */
    public String description() {
        return description;
    }

    @Override
    public void stopped() {
        close();
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            if (simulator != null) {
                simulator.close();
            }
        }
    }

    @Override
    public String toString() {
        return "LiveBackends[" + description + "]";
    }
}
