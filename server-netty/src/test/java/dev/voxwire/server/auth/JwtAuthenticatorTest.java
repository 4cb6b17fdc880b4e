package dev.voxwire.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.server.Principal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class JwtAuthenticatorTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private final JwtIssuer issuer = JwtIssuer.of(SECRET, CLOCK);
    private final JwtAuthenticator auth = JwtAuthenticator.builder().secret(SECRET).clock(CLOCK).build();

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode claims(String sub, long exp) {
        ObjectNode c = EnvelopeCodec.mapper().createObjectNode();
        if (sub != null) {
            c.put("sub", sub);
        }
        c.put("exp", exp);
        return c;
    }

    private void refused(String token, String messagePart) {
        assertThatThrownBy(() -> auth.authenticate(token)).isInstanceOf(VoxwireException.class)
                .satisfies(e -> assertThat(((VoxwireException) e).code()).isEqualTo(ErrorCode.AUTH_FAILED))
                .hasMessageContaining(messagePart)
                .satisfies(e -> {
                    if (token.length() > 8) {
                        assertThat(e.getMessage()).doesNotContain(token);
                    }
                });
    }

    @Test
    void issuedTokenIsAcceptedWithItsSubjectAndExpiry() {
        Principal p = auth.authenticate(issuer.issue("alice", Duration.ofHours(1)));
        assertThat(p.userId()).isEqualTo("alice");
        assertThat(p.expiresAt()).contains(NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void tokenSignedWithAnotherSecretIsRefused() {
        refused(JwtIssuer.of("another-secret-another-secret-another", CLOCK).issue("alice", Duration.ofHours(1)), "signature");
    }

    @Test
    void tamperedClaimsAreRefused() {
        String t = issuer.issue("alice", Duration.ofHours(1));
        String[] parts = t.split("\\.");
        refused(parts[0] + "." + b64(claims("admin", NOW.getEpochSecond() + 3600).toString()) + "." + parts[2], "signature");
    }

    @Test
    void expiredTokenIsRefusedAfterTheLeeway() {
        String t = issuer.issue("alice", Duration.ofMinutes(1));
        JwtAuthenticator later = JwtAuthenticator.builder().secret(SECRET)
                .clock(Clock.fixed(NOW.plus(Duration.ofMinutes(1)).plusSeconds(31), ZoneOffset.UTC)).build();
        assertThatThrownBy(() -> later.authenticate(t)).hasMessageContaining("expired");
        JwtAuthenticator withinLeeway = JwtAuthenticator.builder().secret(SECRET)
                .clock(Clock.fixed(NOW.plus(Duration.ofMinutes(1)).plusSeconds(29), ZoneOffset.UTC)).build();
        assertThat(withinLeeway.authenticate(t).userId()).isEqualTo("alice");
    }

    @Test
    void tokenNotYetValidIsRefused() {
        ObjectNode c = claims("alice", NOW.getEpochSecond() + 3600);
        c.put("nbf", NOW.getEpochSecond() + 600);
        refused(issuer.sign(c), "not valid before");
    }

    @Test
    void tokenWithoutSubjectOrExpiryIsRefused() {
        refused(issuer.sign(claims(null, NOW.getEpochSecond() + 60)), "subject");
        refused(issuer.sign(claims("", NOW.getEpochSecond() + 60)), "subject");
        ObjectNode noExp = EnvelopeCodec.mapper().createObjectNode();
        noExp.put("sub", "alice");
        refused(issuer.sign(noExp), "expiry");
    }

    @Test
    void algNoneAndOtherAlgorithmsAreRefused() {
        String body = b64(claims("alice", NOW.getEpochSecond() + 60).toString());
        refused(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + body + ".", "malformed");
        refused(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + body + ".AAAA", "'none' is not accepted");
        refused(b64("{\"alg\":\"HS512\"}") + "." + body + ".AAAA", "HS512");
        refused(b64("{\"typ\":\"JWT\"}") + "." + body + ".AAAA", "missing");
    }

    @Test
    void malformedTokensAreRefused() {
        refused("abc", "three parts");
        refused("a.b", "three parts");
        refused("a.b.c.d", "three parts");
        refused("!!!.b.c", "malformed token header");
        refused(b64("[1]") + ".b.c", "malformed token header");
        refused(b64("{\"alg\":\"HS256\"}") + ".x.***", "signature");
        refused("", "empty");
    }

    @Test
    void shortSecretsAreRefusedAndToStringHidesTheSecret() {
        assertThatThrownBy(() -> JwtAuthenticator.of("short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 bytes (expected: >= 32 bytes)");
        assertThat(auth.toString()).doesNotContain(SECRET);
        assertThat(issuer.toString()).doesNotContain(SECRET);
    }

    @Test
    void staticTokensMapToUsers() {
        StaticTokenAuthenticator s = StaticTokenAuthenticator.of("dev-token", "dev");
        assertThat(s.authenticate("dev-token").userId()).isEqualTo("dev");
        assertThatThrownBy(() -> s.authenticate("other")).isInstanceOf(VoxwireException.class).hasMessage("unknown token");
        assertThat(s.toString()).doesNotContain("dev-token");
    }
}
