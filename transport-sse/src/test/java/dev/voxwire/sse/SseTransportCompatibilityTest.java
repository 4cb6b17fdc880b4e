package dev.voxwire.sse;

import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.testkit.compat.AudioTransportCompatibilityKit;
import dev.voxwire.testkit.compat.CompatibilityServer;
import java.net.URI;

/** The SSE transport passes the transport compatibility kit. */
class SseTransportCompatibilityTest extends AudioTransportCompatibilityKit {
    @Override
    protected AudioTransport newTransport(TransportConfig config) {
        return new SseTransportProvider().create(config);
    }

    @Override
    protected URI endpoint(CompatibilityServer server) {
        return server.httpUri("");
    }
}
