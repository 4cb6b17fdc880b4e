package dev.voxwire.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WireLogTest {
    @Test
    void elidesAudioAndSecretsButKeepsTheShape() {
        String json = "{\"type\":\"audio:analyze\",\"id\":\"a1\",\"payload\":{\"format\":\"wav\",\"data\":\"UklGRiQAAABXQVZF\","
                + "\"token\":\"eyJhbGciOi.secret\",\"apiKey\":\"AIzaSECRET\",\"nested\":{\"password\":\"hunter2\"}}}";
        String r = WireLog.redact(json);
        assertThat(r).contains("\"type\":\"audio:analyze\"").contains("\"id\":\"a1\"").contains("\"format\":\"wav\"")
                .contains("<16 chars elided>")
                .doesNotContain("UklGR").doesNotContain("secret").doesNotContain("SECRET").doesNotContain("hunter2");
    }

    @Test
    void longStringsAndNonJsonAreShownByLengthOnly() {
        assertThat(WireLog.redact("{\"type\":\"x\",\"payload\":{\"blob\":\"" + "a".repeat(300) + "\"}}"))
                .contains("<300 chars elided>");
        assertThat(WireLog.redact("Bearer abc")).isEqualTo("<10 chars, not JSON>");
    }
}
