package dev.voxwire.core.spi;

import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.TransportConfig;

/**
 * The plugin point for transports. A jar adds a transport by implementing this interface,
 * listing the class in {@code META-INF/services/dev.voxwire.core.spi.TransportProvider}, and
 * passing the transport compatibility kit of {@code voxwire-testkit}. With Guice, providers are
 * also collected through a multibinder (see {@code dev.voxwire.core.inject.VoxwireCoreModule}).
 *
 * <p>Implementations need a public no-argument constructor for {@link java.util.ServiceLoader}.
 * Most build their transports on {@link dev.voxwire.core.transport.TransportEngine}, writing only
 * the connection ({@link dev.voxwire.core.transport.Link}); see {@code docs/writing-a-transport.md}.
 */
public interface TransportProvider {
    /** The name the {@code voxwire.transport} flag selects: lower case, such as {@code websocket}. */
    String name();

    /** A new, unconnected transport for {@code config}. */
    AudioTransport create(TransportConfig config);

    /**
     * Whether this provider can serve {@code config} at all (for instance a URL scheme it
     * understands). A factory skips providers that cannot. Default: yes.
     */
    default boolean supports(TransportConfig config) {
        return true;
    }
}
