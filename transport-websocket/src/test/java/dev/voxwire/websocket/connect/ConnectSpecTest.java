package dev.voxwire.websocket.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectSpecTest {
    @Test
    void rejectsNonWebSocketSchemes() {
        assertThatThrownBy(() -> ConnectSpec.of(URI.create("http://h/ws")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ws:// or wss://");
    }

    @Test
    void defaultsAndPorts() {
        ConnectSpec s = ConnectSpec.of(URI.create("wss://example.com/ws"));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.maxFramePayloadBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(s.compression()).isFalse();
        assertThat(s.closeTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.port()).isEqualTo(443);
        assertThat(ConnectSpec.of(URI.create("ws://example.com/ws")).port()).isEqualTo(80);
    }

    @Test
    void toStringRedactsSecrets() {
        ConnectSpec s = ConnectSpec.builder(URI.create("ws://h/ws?access_token=SECRET1"))
                .header("Authorization", "Bearer SECRET2").header("x-goog-api-key", "SECRET3")
                .header("X-Session-Token", "SECRET4").header("X-Trace", "visible")
                .subprotocol("voxwire.bearer.SECRET5").build();
        assertThat(s.toString()).doesNotContain("SECRET").contains("visible");
        assertThat(s.toBuilder().build().headers()).isEqualTo(s.headers());
    }

    @Test
    void validationMessagesShowTheBadValue() {
        assertThatThrownBy(() -> ConnectSpec.builder().connectTimeout(Duration.ZERO))
                .hasMessage("connectTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> ConnectSpec.builder().maxFramePayloadBytes(0))
                .hasMessage("maxFramePayloadBytes: 0 (expected: > 0)");
        assertThatThrownBy(() -> ConnectSpec.builder().build()).hasMessageContaining("uri: missing");
    }
}
