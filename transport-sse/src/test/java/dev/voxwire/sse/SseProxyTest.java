package dev.voxwire.sse;

import static dev.voxwire.sse.SseTransportTest.get;
import dev.voxwire.testkit.TunnelProxy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.ProxyOptions;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.protocol.Envelope;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stream and every POST go through an HTTP CONNECT proxy when one is configured. */
class SseProxyTest {
    private static ServerFixture fixture;
    private static TunnelProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        fixture = ServerFixture.start();
        proxy = TunnelProxy.httpRequiring("proxy-user", "proxy-secret");
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        fixture.close();
    }

    @Test
    void streamAndPostsGoThroughTheHttpConnectProxyWithItsCredentials() {
        String target = "127.0.0.1:" + fixture.server.port();
        TransportConfig config = fixture.config()
                .uri(java.net.URI.create("http://" + target))
                .proxy(ProxyOptions.http(proxy.address()).withCredentials("proxy-user", "proxy-secret"))
                .build();
        assertThat(config.toString()).doesNotContain("proxy-secret");
        try (SseTransport t = SseTransport.create(config)) {
            get(t.connect());
            Envelope reply = get(t.send("conversation:message", ServerFixture.payload().put("content", "proxied")).result());
            assertThat(reply.payload().path("content").asText()).contains("proxied");
        }
        // a tunnel for the stream, one for the POSTs (the closing DELETE /sse/events may need another
        // when it races the last POST's response): every one to the server
        assertThat(proxy.targets()).as("tunnels").hasSizeBetween(2, 3).containsOnly(target);
        String basic = "Basic " + Base64.getEncoder().encodeToString("proxy-user:proxy-secret".getBytes(StandardCharsets.UTF_8));
        assertThat(proxy.authorizations()).containsOnly(basic);
    }
}
