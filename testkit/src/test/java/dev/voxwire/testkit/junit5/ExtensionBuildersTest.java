package dev.voxwire.testkit.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.server.auth.JwtAuthenticator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExtensionBuildersTest {

    @Test
    void serverBuilderRejectsBadArgumentsShowingTheValue() {
        assertThatThrownBy(() -> VoxwireServerExtension.builder().drainDeadline(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("drainDeadline: PT-1S (expected: >= 0)");
        assertThatThrownBy(() -> VoxwireServerExtension.builder().staticToken("", "alice"))
                .hasMessage("token: '' (expected: not empty)");
        assertThatThrownBy(() -> VoxwireServerExtension.builder().staticToken("t", " "))
                .hasMessage("userId: ' ' (expected: not blank)");
    }

    @Test
    void tokensWorkBeforeTheServerStartsAndAreNeverShown() {
        VoxwireServerExtension ext = VoxwireServerExtension.builder()
                .serverConfig(c -> c.jwtSecret("an-other-secret-of-at-least-32-bytes!!"))
                .staticToken("t-carol", "carol").build();

        assertThat(ext.token("carol")).isEqualTo("t-carol");
        String jwt = ext.token("dave");
        assertThat(JwtAuthenticator.of("an-other-secret-of-at-least-32-bytes!!").authenticate(jwt).userId()).isEqualTo("dave");
        assertThat(ext.toString()).contains("not running").contains("carol").doesNotContain("t-carol");
        assertThatThrownBy(ext::port).isInstanceOf(IllegalStateException.class).hasMessageContaining("is not running");
    }

    @Test
    void proxyNeedsATarget() {
        assertThatThrownBy(() -> FaultProxyExtension.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("target is not set");
    }

    @Test
    void geminiApiKeyIsRequiredWhenGivenAndNeverShown() {
        GeminiSimulatorExtension ext = GeminiSimulatorExtension.builder().apiKey("k-secret").build();

        assertThat(ext.apiKey()).isEqualTo("k-secret");
        assertThat(ext.toString()).doesNotContain("k-secret");
        assertThat(GeminiSimulatorExtension.ofDefaults().apiKey()).isEqualTo(GeminiSimulatorExtension.DEFAULT_API_KEY);
        assertThatThrownBy(() -> GeminiSimulatorExtension.builder().apiKey("")).hasMessage("apiKey: '' (expected: not empty)");
    }
}
