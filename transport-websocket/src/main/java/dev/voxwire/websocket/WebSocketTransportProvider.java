package dev.voxwire.websocket;

import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.spi.TransportProvider;
import java.util.Locale;
import java.util.Set;

/**
 * The {@link TransportProvider} of {@link WebSocketTransport}, registered in
 * {@code META-INF/services/dev.voxwire.core.spi.TransportProvider} under the name
 * {@value WebSocketTransport#NAME}. It serves {@code ws://} and {@code wss://} URIs, and
 * {@code http(s)://} ones by switching the scheme.
 *
 * <p>The public no-argument constructor is for {@link java.util.ServiceLoader}.
 */
public final class WebSocketTransportProvider implements TransportProvider {
    private static final Set<String> SCHEMES = Set.of("ws", "wss", "http", "https");

    /** For {@link java.util.ServiceLoader}. */
    public WebSocketTransportProvider() {
    }

    @Override
    public String name() {
        return WebSocketTransport.NAME;
    }

    @Override
    public AudioTransport create(TransportConfig config) {
        return WebSocketTransport.create(config);
    }

    @Override
    public boolean supports(TransportConfig config) {
        String scheme = config.uri().getScheme();
        return scheme != null && SCHEMES.contains(scheme.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return "WebSocketTransportProvider[" + name() + "]";
    }
}
