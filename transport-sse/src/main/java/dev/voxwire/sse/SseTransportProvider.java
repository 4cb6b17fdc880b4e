package dev.voxwire.sse;

import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.spi.TransportProvider;
import dev.voxwire.sse.internal.SseEndpoints;

/**
 * The {@link TransportProvider} of {@link SseTransport}, named {@value SseTransport#NAME}: found by
 * {@link java.util.ServiceLoader} (listed in {@code META-INF/services}), so
 * {@code voxwire.transport=sse} selects it in {@link dev.voxwire.core.Transports}. It serves
 * {@code http}, {@code https}, {@code ws} and {@code wss} URIs (a WebSocket URI is mapped to the
 * server's SSE endpoints, so one config serves both transports).
 */
public final class SseTransportProvider implements TransportProvider {
    /** For {@link java.util.ServiceLoader}. */
    public SseTransportProvider() {
    }

    @Override
    public String name() {
        return SseTransport.NAME;
    }

    @Override
    public AudioTransport create(TransportConfig config) {
        return SseTransport.create(config);
    }

    @Override
    public boolean supports(TransportConfig config) {
        return SseEndpoints.supports(config.uri());
    }

    @Override
    public String toString() {
        return "SseTransportProvider";
    }
}
