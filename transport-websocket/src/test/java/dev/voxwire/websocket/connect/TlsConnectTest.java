package dev.voxwire.websocket.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TlsOptions;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS against the Gemini Live simulator's self-signed certificate (CN/SAN localhost, 127.0.0.1). */
class TlsConnectTest {
    static GeminiLiveSimulator sim;
    static WebSocketConnector connector;

    @BeforeAll
    static void start() {
        sim = GeminiLiveSimulator.builder().tls(true).build().start();
        connector = WebSocketConnector.create();
    }

    @AfterAll
    static void stop() {
        connector.close();
        sim.close();
    }

    static ConnectSpec.Builder spec(URI uri) {
        return ConnectSpec.builder(uri).header("x-goog-api-key", "test-key");
    }

    @Test
    void connectsWhenTheSelfSignedCertificateIsTrustedExplicitly(@TempDir Path dir) throws Exception {
        Path pem = sim.exportCertificatePem(dir.resolve("sim.pem"));
        ConnRecorder rec = new ConnRecorder();
        WebSocketConnection c = connector.connect(spec(sim.wsUrl("v1beta")).tls(TlsOptions.trusting(pem)).build(), rec)
                .get(10, TimeUnit.SECONDS);
        c.close(1000, "").get(10, TimeUnit.SECONDS);
        assertThat(rec.closed.get(5, TimeUnit.SECONDS).remote()).isFalse();
    }

    @Test
    void refusesTheSelfSignedCertificateWithTheJdkTrustStore() {
        VoxwireException e = failure(spec(sim.wsUrl("v1beta")).build());
        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK);
        assertThat(e.getMessage()).contains("TLS").contains("certificate not trusted");
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void refusesAHostnameTheCertificateDoesNotName(@TempDir Path dir) throws Exception {
        Path pem = sim.exportCertificatePem(dir.resolve("sim.pem"));
        // 127.0.0.2 reaches the loopback but is not in the certificate's subject alternative names
        try (GeminiLiveSimulator other = GeminiLiveSimulator.builder().tls(true).host("127.0.0.2").build().start()) {
            URI uri = URI.create(other.wsUrl("v1beta").toString().replace("localhost", "127.0.0.2"));
            VoxwireException e = failure(spec(uri).tls(TlsOptions.trusting(pem)).build());
            assertThat(e.code()).isEqualTo(ErrorCode.NETWORK);
            assertThat(e.getMessage()).contains("TLS").contains("hostname does not match");
            // with hostname verification off, the same trusted certificate is accepted
            connector.connect(spec(uri).tls(TlsOptions.trusting(pem).withHostnameVerification(false)).build(),
                    new ConnRecorder()).get(10, TimeUnit.SECONDS).close(1000, "").get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void insecureModeConnectsWithoutTrust() throws Exception {
        WebSocketConnection c = connector.connect(spec(sim.wsUrl("v1beta")).tls(TlsOptions.insecure()).build(),
                new ConnRecorder()).get(10, TimeUnit.SECONDS);
        c.close(1000, "").get(10, TimeUnit.SECONDS);
    }

    @Test
    void missingPemFileFailsWithAClearMessage(@TempDir Path dir) {
        VoxwireException e = failure(spec(sim.wsUrl("v1beta")).tls(TlsOptions.trusting(dir.resolve("nope.pem"))).build());
        assertThat(e.getMessage()).contains("nope.pem");
    }

    private static VoxwireException failure(ConnectSpec spec) {
        try {
            connector.connect(spec, new ConnRecorder()).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (VoxwireException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("connected");
    }
}
