package dev.voxwire.server;

import dev.voxwire.core.flags.Durations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
    @Test
    void defaultsAreDocumentedConstants() {
        ServerConfig c = ServerConfig.ofDefaults();
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.maxMessageBytes()).isEqualTo(1024 * 1024);
        assertThat(c.rateLimits().limit("connect")).hasValueSatisfying(l -> assertThat(l.permits()).isEqualTo(10));
        assertThat(c.usesDevelopmentSecret()).isTrue();
    }

    @Test
    void toStringRedactsTheSecret() {
        String secret = "a-production-secret-that-is-long-enough-for-hs256";
        ServerConfig c = ServerConfig.builder().jwtSecret(secret).build();
        assertThat(c.toString()).doesNotContain(secret).contains("jwtSecret=<redacted>");
        assertThat(c.toBuilder().build().jwtSecret()).isEqualTo(secret);
    }

    @Test
    void badValuesAreRefusedWithTheValueInTheMessage() {
        assertThatThrownBy(() -> ServerConfig.builder().idleTimeout(Duration.ZERO))
                .hasMessage("idleTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> ServerConfig.builder().port(70000)).hasMessage("port: 70000 (expected: 0..65535)");
        assertThatThrownBy(() -> ServerConfig.builder().allowedOrigins(Set.of("example.com")))
                .hasMessageContaining("'example.com'");
        assertThatThrownBy(() -> ServerConfig.builder().writeBufferLowWaterMark(10).writeBufferHighWaterMark(5).build())
                .hasMessageContaining("writeBufferLowWaterMark: 10");
        assertThatThrownBy(() -> ServerConfig.builder().jwtSecret("short")).hasMessageContaining("5 bytes");
    }

    @Test
    void propertiesOverrideDefaults() {
        Properties p = new Properties();
        p.setProperty("port", "9090");
        p.setProperty("idleTimeout", "90s");
        p.setProperty("pingInterval", "PT5S");
        p.setProperty("allowedOrigins", "https://a.example, https://b.example");
        p.setProperty("connectAttemptsPerMinute", "100");
        ServerConfig c = ServerConfig.fromProperties(p).build();
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.pingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.allowedOrigins()).containsExactlyInAnyOrder("https://a.example", "https://b.example");
        assertThat(c.rateLimits().limit("connect")).hasValueSatisfying(l -> assertThat(l.permits()).isEqualTo(100));
        assertThatThrownBy(() -> Durations.parse("x", "soon")).hasMessageContaining("x: soon");
    }

    @Test
    void demoPageKeysAreReadFromPropertiesAndRefusedWhenBad() {
        Properties p = new Properties();
        p.setProperty("devTokens", "true");
        p.setProperty("pageTransport", "SSE");
        ServerConfig c = ServerConfig.fromProperties(p).build();
        assertThat(c.devTokens()).isTrue();
        assertThat(c.pageTransport()).isEqualTo(ServerConfig.PageTransport.SSE);
        assertThat(c.toBuilder().build().pageTransport()).isEqualTo(ServerConfig.PageTransport.SSE);
        assertThat(c.toString()).contains("devTokens=true").contains("pageTransport=sse");
        assertThat(ServerConfig.ofDefaults().devTokens()).isFalse();
        assertThat(ServerConfig.ofDefaults().pageTransport()).isEqualTo(ServerConfig.PageTransport.WEBSOCKET);
        Properties bad = new Properties();
        bad.setProperty("devTokens", "yes");
        assertThatThrownBy(() -> ServerConfig.fromProperties(bad)).hasMessage("devTokens: 'yes' (expected: true or false)");
        assertThatThrownBy(() -> ServerConfig.PageTransport.parse("udp"))
                .hasMessage("pageTransport: 'udp' (expected: websocket or sse)");
    }
}
