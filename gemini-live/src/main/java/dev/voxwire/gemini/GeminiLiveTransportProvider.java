package dev.voxwire.gemini;

import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.spi.TransportProvider;
import java.util.Locale;

/**
 * The {@link TransportProvider} of {@link GeminiLiveTransport}, registered as
 * {@value GeminiLiveTransport#NAME} in {@code META-INF/services}: set
 * {@code voxwire.transport=gemini-live} to talk to Gemini Live instead of a Voxwire server.
 */
public final class GeminiLiveTransportProvider implements TransportProvider {
    /** For {@link java.util.ServiceLoader}. */
    public GeminiLiveTransportProvider() {
    }

    @Override
    public String name() {
        return GeminiLiveTransport.NAME;
    }

    @Override
    public AudioTransport create(TransportConfig config) {
        return GeminiLiveTransport.create(config);
    }

    /** ws, wss, http and https URIs. */
    @Override
    public boolean supports(TransportConfig config) {
        String scheme = config.uri().getScheme();
        if (scheme == null) {
            return false;
        }
        switch (scheme.toLowerCase(Locale.ROOT)) {
            case "ws":
            case "wss":
            case "http":
            case "https":
                return true;
            default:
                return false;
        }
    }
}
