package dev.voxwire.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.ProxyOptions;
import dev.voxwire.testkit.TunnelProxy;
import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Gemini Live client through an HTTP CONNECT and a SOCKS5 proxy (the connector's proxy support). */
class ProxyTest {
    @Test
    void aSessionWorksThroughAnHttpConnectProxyWithCredentialsAndThroughSocks5() throws Exception {
        try (GeminiLiveSimulator sim = GeminiLiveSimulator.builder().build().start();
             TunnelProxy http = TunnelProxy.httpRequiring("proxy-user", "proxy-pass");
             TunnelProxy socks = TunnelProxy.socks5()) {
            for (ProxyOptions proxy : List.of(ProxyOptions.http(http.address()).withCredentials("proxy-user", "proxy-pass"),
                    ProxyOptions.socks5(socks.address()))) {
                try (GeminiLiveClient client = GeminiLiveClient.builder().apiKey(GeminiLiveClientTest.KEY)
                        .baseUri(sim.baseUrl()).proxy(proxy).build()) {
                    EventRecorder rec = new EventRecorder();
                    LiveSession session = client.connect(LiveConfig.builder().responseModalities(Modality.TEXT).build(), rec)
                            .get(15, TimeUnit.SECONDS);
                    session.sendText("through the proxy").get(5, TimeUnit.SECONDS);
                    StringBuilder text = new StringBuilder();
                    rec.untilTurnComplete().stream().filter(e -> e instanceof LiveEvent.Text)
                            .forEach(e -> text.append(((LiveEvent.Text) e).text()));
                    assertThat(text.toString()).isEqualTo("through the proxy");
                    session.close();
                }
            }
            String port = ":" + sim.port();
            assertThat(http.targets()).isNotEmpty().allMatch(t -> t.endsWith(port));
            assertThat(http.authorizations()).isNotEmpty();
            assertThat(socks.targets()).isNotEmpty().allMatch(t -> t.endsWith(port));
        }
    }
}
