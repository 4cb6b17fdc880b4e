package dev.voxwire.testkit.junit5;

import static java.util.Objects.requireNonNull;

import dev.voxwire.testkit.RecordingListener;
import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import dev.voxwire.testkit.gemini.SimulatorScript;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A {@link GeminiLiveSimulator} on a random loopback port, for tests of code that talks to the
 * Gemini Live API.
 *
 * <pre>{@code
 * @RegisterExtension
 * static GeminiSimulatorExtension gemini = GeminiSimulatorExtension.builder()
 *         .script(SimulatorScript.builder().otherwise(ScriptedTurn.text("hello")).build())
 *         .build();
 *
 * @Test
 * void talks() {
 *     URI uri = gemini.wsUri();          // ws://127.0.0.1:PORT/ws/google.ai...BidiGenerateContent
 *     String key = gemini.apiKey();      // what the simulator accepts
 *     ...
 * }
 * }</pre>
 *
 * <p>Before each test of a per-class simulator its script is set back to the configured one, so a
 * test that {@linkplain GeminiLiveSimulator#useScript changes it} does not affect the next (the
 * recorded sessions and messages keep accumulating). See the package description for the
 * lifecycle and the injectable parameters ({@link GeminiLiveSimulator}, {@link RecordingListener}).
 */
public final class GeminiSimulatorExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    /** The API key {@link #apiKey()} returns when none was required: the simulator accepts any key. */
    public static final String DEFAULT_API_KEY = "voxwire-test-api-key";
    /** The API version of {@link #wsUri()}. */
    public static final String DEFAULT_API_VERSION = "v1beta";

    private final SimulatorScript script;
    private final String apiKey;
    private final boolean keyRequired;
    private final List<Consumer<GeminiLiveSimulator.Builder>> callbacks;
    private final ExtensionLifecycle<GeminiLiveSimulator> lifecycle;

    private GeminiSimulatorExtension(Builder b) {
        this.script = b.script;
        this.apiKey = b.apiKey;
        this.keyRequired = b.keyRequired;
        this.callbacks = List.copyOf(b.callbacks);
        this.lifecycle = new ExtensionLifecycle<>("GeminiSimulatorExtension", b.perTest, this::startSimulator,
                GeminiLiveSimulator::close);
    }

    /** A builder: the echo script, any API key, once per class. */
    public static Builder builder() {
        return new Builder();
    }

    /** An extension with every default. */
    public static GeminiSimulatorExtension ofDefaults() {
        return builder().build();
    }

    private GeminiLiveSimulator startSimulator() {
        GeminiLiveSimulator.Builder b = GeminiLiveSimulator.builder().port(0).script(script).threads(1);
        if (keyRequired) {
            b.requireApiKey(apiKey);
        }
        callbacks.forEach(cb -> cb.accept(b));
        GeminiLiveSimulator sim = b.build();
        try {
            return sim.start();
        } catch (RuntimeException | Error e) {
            sim.close();
            throw e;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        lifecycle.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        boolean fresh = !lifecycle.isRunning();
        lifecycle.beforeEach(context);
        if (!fresh) {
            lifecycle.get().useScript(script);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        lifecycle.afterEach(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        lifecycle.afterAll(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        return pc.getParameter().getType() == GeminiLiveSimulator.class || Recorders.supports(this, pc, ec);
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        if (pc.getParameter().getType() == RecordingListener.class) {
            return Recorders.resolve(ec);
        }
        try {
            return lifecycle.get();
        } catch (IllegalStateException e) {
            throw new ParameterResolutionException("cannot inject " + pc.getParameter() + ": " + e.getMessage(), e);
        }
    }

    /** The running simulator. */
    public GeminiLiveSimulator simulator() {
        return lifecycle.get();
    }

    /** Whether the simulator is running now. */
    public boolean isRunning() {
        return lifecycle.isRunning();
    }

    /** The simulator's port. */
    public int port() {
        return simulator().port();
    }

    /** The simulator's address. */
    public InetSocketAddress address() {
        URI base = simulator().baseUrl();
        return new InetSocketAddress(base.getHost(), base.getPort());
    }

    /** The {@code BidiGenerateContent} WebSocket URI of {@link #DEFAULT_API_VERSION}, without credentials. */
    public URI wsUri() {
        return wsUri(DEFAULT_API_VERSION);
    }

    /** The {@code BidiGenerateContent} WebSocket URI of {@code apiVersion} ({@code v1beta}, {@code v1alpha}). */
    public URI wsUri(String apiVersion) {
        return simulator().wsUrl(apiVersion);
    }

    /** An API key the simulator accepts (the {@linkplain Builder#apiKey required one}, else {@link #DEFAULT_API_KEY}). */
    public String apiKey() {
        return apiKey;
    }

    @Override
    public String toString() {
        GeminiLiveSimulator s = lifecycle.current();
        return "GeminiSimulatorExtension{" + (s == null ? "not running" : s.toString()) + ", perTest="
                + lifecycle.perTest() + ", apiKey=<redacted>}";
    }

    ExtensionLifecycle<GeminiLiveSimulator> lifecycle() {
        return lifecycle;
    }

    /** Builds a {@link GeminiSimulatorExtension}. Not thread-safe. */
    public static final class Builder {
        private SimulatorScript script = SimulatorScript.echo();
        private String apiKey = DEFAULT_API_KEY;
        private boolean keyRequired;
        private final List<Consumer<GeminiLiveSimulator.Builder>> callbacks = new ArrayList<>();
        private boolean perTest;

        private Builder() {
        }

        /** The script of every test (default {@link SimulatorScript#echo()}). */
        public Builder script(SimulatorScript script) {
            this.script = requireNonNull(script, "script");
            return this;
        }

        /** The simulator accepts only this key; {@link #apiKey()} returns it. Never shown by {@code toString()}. */
        public Builder apiKey(String apiKey) {
            requireNonNull(apiKey, "apiKey");
            if (apiKey.isEmpty()) {
                throw new IllegalArgumentException("apiKey: '' (expected: not empty)");
            }
            this.apiKey = apiKey;
            this.keyRequired = true;
            return this;
        }

        /** Further simulator settings (TLS, models, tokens, frame size), applied after the extension's own. */
        public Builder configure(Consumer<GeminiLiveSimulator.Builder> callback) {
            callbacks.add(requireNonNull(callback, "callback"));
            return this;
        }

        /** A fresh simulator for each test, even when the extension is in a static field. */
        public Builder perTest() {
            this.perTest = true;
            return this;
        }

        /** The extension. */
        public GeminiSimulatorExtension build() {
            return new GeminiSimulatorExtension(this);
        }
    }
}
