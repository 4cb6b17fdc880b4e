package dev.voxwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScriptedScriptsTest {

    @Test
    void responseBuilderRejectsBadArgumentsShowingTheValue() {
        assertThatThrownBy(() -> ScriptedResponse.builder().delay(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("delay: PT-0.001S (expected: >= 0)");
        assertThatThrownBy(() -> ScriptedResponse.builder().close(1006, "x"))
                .hasMessage("code: 1006 (expected: 1000..4999, not 1005, 1006 or 1015)");
        assertThatThrownBy(() -> ScriptedResponse.builder().emit("a:b", "[1]"))
                .hasMessage("payload: '[1]' (expected: a JSON object)");
        assertThatThrownBy(() -> ScriptedResponse.builder().emit(" ", "{}"))
                .hasMessageStartingWith("type: ' '");
    }

    @Test
    void connectionScriptsValidateAndDescribeThemselves() {
        assertThatThrownBy(() -> ConnectionScript.refuse(200)).hasMessage("status: 200 (expected: 300..599)");
        assertThatThrownBy(() -> ConnectionScript.accept().withHeader("Retry-After", "1"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(ConnectionScript.refuse(401).toString()).contains("401").contains("AUTH_FAILED");
        assertThat(ConnectionScript.refuse(503).toString()).contains("GOING_AWAY");
    }

    @Test
    void aGateReleasedBeforeAResponseArrivesLetsItPassAtOnce() {
        ReleaseGate gate = ReleaseGate.create();
        gate.release();
        boolean[] ran = {false};

        gate.pass(() -> ran[0] = true);

        assertThat(ran[0]).isTrue();
        assertThat(gate.reached()).isEqualTo(1);
        assertThatThrownBy(() -> gate.awaitReached(2, Duration.ofMillis(20)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("but 1 did");
    }

    @Test
    void recordedHandshakeRedactsSecretsButKeepsThemForAssertions() {
        RecordedHandshake h = new RecordedHandshake(0, "GET", "/ws?access_token=abc&x=1", "/ws",
                Map.of("Authorization", List.of("Bearer abc"), "X-Goog-Api-Key", List.of("k1"),
                        "Sec-WebSocket-Key", List.of("dGhlIHNhbXBsZSBub25jZQ=="), "User-Agent", List.of("ua")));

        assertThat(h.bearerToken()).contains("abc");
        assertThat(h.header("x-goog-api-key")).contains("k1");
        assertThat(h.toString()).doesNotContain("abc").doesNotContain("k1")
                .contains("access_token=<redacted>&x=1").contains("dGhlIHNhbXBsZSBub25jZQ==").contains("ua");
    }

    @Test
    void recordedRequestsShowOnlyTheStartOfLargeMessages() {
        String big = "{\"type\":\"audio:analyze\",\"payload\":{\"data\":\"" + "A".repeat(10_000) + "\"}}";
        RecordedRequest r = new RecordedRequest(1, 0, "/ws", big, null, null, "srv-1");

        assertThat(r.toString()).hasSizeLessThan(400).contains("chars)");
        assertThat(r.text()).contains(big);
        assertThat(r.type()).isEmpty(); // not parsed: no JSON given
        assertThat(ScriptedResponse.error(ErrorCode.GOING_AWAY, "bye").toString()).contains("GOING_AWAY");
    }
}
