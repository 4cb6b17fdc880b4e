package dev.voxwire.sse;

import static dev.voxwire.sse.SseTransportTest.failure;
import static dev.voxwire.sse.SseTransportTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TlsOptions;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS through a TLS-terminating relay with a self-signed certificate. */
class SseTlsTest {
    @TempDir
    static Path dir;
    private static ServerFixture fixture;
    private static TlsRelay relay;

    @BeforeAll
    static void start() throws Exception {
        fixture = ServerFixture.start();
        relay = new TlsRelay(fixture.server.port(), dir);
    }

    @AfterAll
    static void stop() {
        relay.close();
        fixture.close();
    }

    private TransportConfig.Builder https() {
        return fixture.config().uri(java.net.URI.create("https://127.0.0.1:" + relay.port()));
    }

    @Test
    void trustingThePemConnectsAndTheRequestsWork() {
        try (SseTransport t = SseTransport.create(https().tls(TlsOptions.trusting(relay.pem())).build())) {
            get(t.connect());
            Envelope a = get(t.send("conversation:message", ServerFixture.payload().put("content", "over tls")).result());
            Envelope b = get(t.send("conversation:message", ServerFixture.payload().put("content", "again")).result());
            assertThat(a.payload().path("content").asText()).contains("over tls");
            assertThat(b.payload().path("content").asText()).contains("again");
            assertThat(t.postConnectionsOpened()).as("the TLS connection is kept alive").isEqualTo(1);
        }
    }

    @Test
    void anUntrustedCertificateFailsTheConnectWithATlsNetworkError() {
        try (SseTransport t = SseTransport.create(https().build())) {
            VoxwireException e = failure(t.connect());
            assertThat(e.code()).isEqualTo(ErrorCode.NETWORK);
            assertThat(e.getMessage()).contains("TLS").contains("not trusted");
            assertThat(t.state()).isEqualTo(ConnectionState.FAILED);
        }
    }

    @Test
    void insecureTlsAcceptsAnyCertificate() {
        try (SseTransport t = SseTransport.create(https().tls(TlsOptions.insecure()).build())) {
            get(t.connect());
            assertThat(t.state()).isEqualTo(ConnectionState.CONNECTED);
        }
    }
}
