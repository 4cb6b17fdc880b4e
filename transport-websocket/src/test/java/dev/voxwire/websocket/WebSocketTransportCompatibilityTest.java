package dev.voxwire.websocket;

import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.testkit.compat.AudioTransportCompatibilityKit;
import dev.voxwire.testkit.compat.CompatibilityServer;
import java.net.URI;

/** The WebSocket transport passes the transport compatibility kit. */
class WebSocketTransportCompatibilityTest extends AudioTransportCompatibilityKit {
    @Override
    protected AudioTransport newTransport(TransportConfig config) {
        return new WebSocketTransportProvider().create(config);
    }

    @Override
    protected URI endpoint(CompatibilityServer server) {
        return server.wsUri("/ws");
    }
}
