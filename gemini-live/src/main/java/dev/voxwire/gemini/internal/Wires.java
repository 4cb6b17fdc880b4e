package dev.voxwire.gemini.internal;

import static java.util.Objects.requireNonNull;

import dev.voxwire.websocket.connect.CloseInfo;
import dev.voxwire.websocket.connect.ConnectSpec;
import dev.voxwire.websocket.connect.WebSocketConnection;
import dev.voxwire.websocket.connect.WebSocketConnector;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** The default {@link Wire}: transport-websocket's {@link WebSocketConnector}. */
public final class Wires {
    /** The largest server message accepted: 16 MiB. */
    public static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

    private Wires() {
    }

    /** A wire over a new connector with its own event loop (closed with the wire). */
    public static Wire connector() {
        return new ConnectorWire(WebSocketConnector.create());
    }

    /** A wire over {@code connector}. */
    public static Wire connector(WebSocketConnector connector) {
        return new ConnectorWire(requireNonNull(connector, "connector"));
    }

    private static final class ConnectorWire implements Wire {
        private final WebSocketConnector connector;

        ConnectorWire(WebSocketConnector connector) {
            this.connector = connector;
        }

        @Override
        public CompletableFuture<Connection> open(Request request, Listener listener) {
            ConnectSpec spec = ConnectSpec.builder(request.uri())
                    .headers(request.headers())
                    .tls(request.tls())
                    .proxy(request.proxy())
                    .connectTimeout(request.connectTimeout())
                    .maxFramePayloadBytes(MAX_FRAME_BYTES)
                    .build();
            return connector.connect(spec, new WebSocketConnection.Listener() {
                @Override
                public void onText(WebSocketConnection c, String text) {
                    listener.onMessage(text);
                }

                @Override
                public void onBinary(WebSocketConnection c, byte[] data) {
                    listener.onMessage(new String(data, StandardCharsets.UTF_8));
                }

                @Override
                public void onClosed(WebSocketConnection c, CloseInfo info) {
                    listener.onClosed(info.code(), info.reason());
                }
            }).thenApply(ConnectionAdapter::new);
        }

        @Override
        public void close() {
            connector.close();
        }

        @Override
        public String toString() {
            return "ConnectorWire[" + connector + "]";
        }
    }

    private static final class ConnectionAdapter implements Wire.Connection {
        private final WebSocketConnection c;

        ConnectionAdapter(WebSocketConnection c) {
            this.c = c;
        }

        @Override
        public CompletableFuture<Void> sendText(String text) {
            return c.sendText(text);
        }

        @Override
        public CompletableFuture<Void> close(int code, String reason) {
            return c.close(code, reason);
        }
    }
}
