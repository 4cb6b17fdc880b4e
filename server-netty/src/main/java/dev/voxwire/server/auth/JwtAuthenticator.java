package dev.voxwire.server.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.reliability.Checks;
import dev.voxwire.server.Authenticator;
import dev.voxwire.server.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.spec.SecretKeySpec;

/**
 * Accepts HMAC-SHA256 JWTs (compact form): the header's {@code alg} must be {@code HS256} (so
 * {@code none} and every other algorithm is refused), the signature must match (constant-time
 * comparison), {@code sub} must be a non-empty string and becomes the user id, {@code exp} is
 * required and must be in the future, {@code nbf} when present must be in the past, each with
 * {@link #DEFAULT_LEEWAY} of clock skew. Failures are {@link ErrorCode#AUTH_FAILED} with a message
 * that names the problem, never the token. Thread-safe.
 */
public final class JwtAuthenticator implements Authenticator {
    /** Allowed clock skew for {@code exp} and {@code nbf}: 30 seconds. */
    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);
    /** Longest token accepted: 8 KiB. */
    public static final int MAX_TOKEN_LENGTH = 8192;

    private final SecretKeySpec key;
    private final Clock clock;
    private final Duration leeway;

    private JwtAuthenticator(Builder b) {
        this.key = Hs256.key(requireNonNull(b.secret, "secret"));
        this.clock = b.clock;
        this.leeway = b.leeway;
    }

    /** An authenticator with the system clock and the default leeway. */
    public static JwtAuthenticator of(String secret) {
        return builder().secret(secret).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Principal authenticate(String token) {
        requireNonNull(token, "token");
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw fail("token is empty or longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        int d1 = token.indexOf('.');
        int d2 = d1 < 0 ? -1 : token.indexOf('.', d1 + 1);
        if (d1 <= 0 || d2 < 0 || token.indexOf('.', d2 + 1) >= 0 || d2 == token.length() - 1) {
            throw fail("malformed token (expected: a JWT with three parts)");
        }
        JsonNode header = json(token.substring(0, d1), "header");
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual() || !"HS256".equals(alg.asText())) {
            throw fail("token algorithm " + (alg == null ? "missing" : "'" + abbreviate(alg.asText()) + "'")
                    + " is not accepted (expected: HS256)");
        }
        byte[] signature;
        try {
            signature = Hs256.B64D.decode(token.substring(d2 + 1));
        } catch (IllegalArgumentException e) {
            throw fail("malformed token signature");
        }
        byte[] expected = Hs256.sign(key, token.substring(0, d2));
        if (!MessageDigest.isEqual(expected, signature)) {
            throw fail("token signature is invalid");
        }
        JsonNode claims = json(token.substring(d1 + 1, d2), "claims");
        JsonNode sub = claims.get("sub");
        if (sub == null || !sub.isTextual() || sub.asText().isBlank()) {
            throw fail("token has no subject ('sub')");
        }
        Instant now = clock.instant();
        JsonNode exp = claims.get("exp");
        if (exp == null || !exp.isNumber()) {
            throw fail("token has no expiry ('exp')");
        }
        Instant expiresAt = Instant.ofEpochSecond(exp.asLong());
        if (!now.isBefore(expiresAt.plus(leeway))) {
            throw fail("token expired at " + expiresAt);
        }
        JsonNode nbf = claims.get("nbf");
        if (nbf != null && !nbf.isNull()) {
            if (!nbf.isNumber()) {
                throw fail("token 'nbf' is not a number");
            }
            Instant notBefore = Instant.ofEpochSecond(nbf.asLong());
            if (now.plus(leeway).isBefore(notBefore)) {
                throw fail("token is not valid before " + notBefore);
            }
        }
        return Principal.of(sub.asText(), expiresAt);
    }

    private static JsonNode json(String part, String what) {
        try {
            JsonNode n = EnvelopeCodec.mapper().readTree(new String(Hs256.B64D.decode(part), StandardCharsets.UTF_8));
            if (n == null || !n.isObject()) {
                throw fail("malformed token " + what + " (expected: a JSON object)");
            }
            return n;
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw fail("malformed token " + what);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 16 ? s : s.substring(0, 16) + "...";
    }

    private static VoxwireException fail(String message) {
        return new VoxwireException(ErrorCode.AUTH_FAILED, message);
    }

    @Override
    public String toString() {
        return "JwtAuthenticator{alg=HS256, leeway=" + leeway + ", secret=<redacted>}";
    }

    /** Builds a {@link JwtAuthenticator}. */
    public static final class Builder {
        private String secret;
        private Clock clock = Clock.systemUTC();
        private Duration leeway = DEFAULT_LEEWAY;

        private Builder() {
        }

        /** The HMAC secret, at least 32 bytes of UTF-8. */
        public Builder secret(String secret) {
            Hs256.key(requireNonNull(secret, "secret"));
            this.secret = secret;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        public Builder leeway(Duration leeway) {
            this.leeway = Checks.nonNegative(leeway, "leeway");
            return this;
        }

        public JwtAuthenticator build() {
            if (secret == null) {
                throw new IllegalStateException("secret is not set");
            }
            return new JwtAuthenticator(this);
        }
    }
}
