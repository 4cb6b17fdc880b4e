package dev.voxwire.testkit.gemini;

import static dev.voxwire.testkit.gemini.LiveTestClient.clientText;
import static dev.voxwire.testkit.gemini.LiveTestClient.setup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorTlsTest {
    @TempDir
    Path dir;

    /** An SSLContext that trusts exactly the certificates in a PEM file. */
    static SSLContext trusting(Path pem) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("sim-" + i++, cert);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void exportedPemLetsAJdkClientHoldAWssSession() throws Exception {
        try (GeminiLiveSimulator sim = GeminiLiveSimulator.builder().tls(true).build().start()) {
            Path pem = sim.exportCertificatePem(dir.resolve("sim.pem"));
            assertThat(Files.readString(pem)).startsWith("-----BEGIN CERTIFICATE-----\n")
                    .endsWith("-----END CERTIFICATE-----\n").isEqualTo(sim.certificatePem());
            assertThat(sim.baseUrl()).isEqualTo(URI.create("https://localhost:" + sim.port()));
            assertThat(sim.wsUrl("v1beta").getScheme()).isEqualTo("wss");
            HttpClient http = HttpClient.newBuilder().sslContext(trusting(pem)).build();
            for (String host : List.of("localhost", "127.0.0.1")) {
                URI uri = URI.create("wss://" + host + ":" + sim.port() + sim.wsUrl("v1beta").getPath() + "?key=k");
                try (LiveTestClient c = LiveTestClient.connect(http, uri)) {
                    c.send(setup("TEXT"));
                    assertThat(c.next().has("setupComplete")).isTrue();
                    c.send(clientText("over tls"));
                    assertThat(c.untilTurnComplete()).isNotEmpty();
                }
            }
        }
    }

    @Test
    void certificateNamesLocalhostAndTheLoopbackAddress() throws Exception {
        try (GeminiLiveSimulator sim = GeminiLiveSimulator.builder().tls(true).build().start()) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(sim.certificatePem().getBytes()));
            assertThat(cert.getSubjectAlternativeNames())
                    .contains(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
            cert.checkValidity();
        }
    }

    /** A client with the JVM's default trust (a fresh context: another test may change the trust store properties). */
    private static HttpClient defaultTrustClient() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, null, null);
        return HttpClient.newBuilder().sslContext(ctx).build();
    }

    @Test
    void untrustedClientCannotConnect() throws Exception {
        HttpClient client = defaultTrustClient();
        try (GeminiLiveSimulator sim = GeminiLiveSimulator.builder().tls(true).build().start()) {
            assertThatThrownBy(() -> LiveTestClient.connect(client,
                    URI.create(sim.wsUrl("v1beta") + "?key=k")))
                    .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
        }
    }

    @Test
    void certificateIsOnlyAvailableWithTls() {
        try (GeminiLiveSimulator sim = GeminiLiveSimulator.builder().build().start()) {
            assertThatThrownBy(sim::certificatePem).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("tls(true)");
        }
    }

    @Test
    void clientSslContextTrustsTheSimulator() {
        try (GeminiLiveSimulator sim = GeminiLiveSimulator.builder().tls(true).build().start()) {
            HttpClient http = HttpClient.newBuilder().sslContext(sim.clientSslContext()).build();
            try (LiveTestClient c = LiveTestClient.connect(http, URI.create(sim.wsUrl("v1beta") + "?key=k"))) {
                c.send(setup("TEXT"));
                assertThat(c.next().has("setupComplete")).isTrue();
            }
        }
    }
}
