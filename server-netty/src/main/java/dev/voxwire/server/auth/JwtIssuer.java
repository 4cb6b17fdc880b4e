package dev.voxwire.server.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.reliability.Checks;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints HMAC-SHA256 JWTs that a {@link JwtAuthenticator} with the same secret accepts: header
 * {@code {"alg":"HS256","typ":"JWT"}}, claims {@code sub}, {@code iat}, {@code nbf}, {@code exp}.
 * Thread-safe. {@link #toString()} does not show the secret.
 */
public final class JwtIssuer {
    private static final String HEADER = Hs256.B64.encodeToString(
            "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private final SecretKeySpec key;
    private final Clock clock;

    private JwtIssuer(String secret, Clock clock) {
        this.key = Hs256.key(requireNonNull(secret, "secret"));
        this.clock = requireNonNull(clock, "clock");
    }

    /** An issuer with the system clock; {@code secret} must have at least 32 bytes. */
    public static JwtIssuer of(String secret) {
        return new JwtIssuer(secret, Clock.systemUTC());
    }

    /** An issuer with a clock (tests). */
    public static JwtIssuer of(String secret, Clock clock) {
        return new JwtIssuer(secret, clock);
    }

    /** A token for {@code userId}, valid from now for {@code ttl}. */
    public String issue(String userId, Duration ttl) {
        requireNonNull(userId, "userId");
        if (userId.isBlank()) {
            throw new IllegalArgumentException("userId: '" + userId + "' (expected: not blank)");
        }
        Checks.positive(ttl, "ttl");
        long now = clock.instant().getEpochSecond();
        ObjectNode claims = EnvelopeCodec.mapper().createObjectNode();
        claims.put("sub", userId);
        claims.put("iat", now);
        claims.put("nbf", now);
        claims.put("exp", now + Math.max(1, ttl.toSeconds()));
        return sign(claims);
    }

    /** Signs arbitrary claims (tests, custom claims). */
    public String sign(ObjectNode claims) {
        requireNonNull(claims, "claims");
        String input = HEADER + "." + Hs256.B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        return input + "." + Hs256.B64.encodeToString(Hs256.sign(key, input));
    }

    @Override
    public String toString() {
        return "JwtIssuer{alg=HS256, secret=<redacted>}";
    }
}
