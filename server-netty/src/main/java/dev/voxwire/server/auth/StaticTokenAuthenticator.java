package dev.voxwire.server.auth;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.server.Authenticator;
import dev.voxwire.server.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fixed tokens mapped to user ids, for development and tests. Compares every token in constant
 * time. {@link #toString()} shows the user ids, never the tokens.
 */
public final class StaticTokenAuthenticator implements Authenticator {
    private final Map<String, String> tokens;

    private StaticTokenAuthenticator(Map<String, String> tokens) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("tokens: {} (expected: at least one token)");
        }
        tokens.forEach((t, u) -> {
            requireNonNull(t, "token");
            requireNonNull(u, "userId");
        });
        this.tokens = Map.copyOf(tokens);
    }

    /** Token to user id. */
    public static StaticTokenAuthenticator of(Map<String, String> tokenToUserId) {
        return new StaticTokenAuthenticator(new LinkedHashMap<>(requireNonNull(tokenToUserId, "tokenToUserId")));
    }

    /** One token for one user. */
    public static StaticTokenAuthenticator of(String token, String userId) {
        return of(Map.of(token, userId));
    }

    @Override
    public Principal authenticate(String token) {
        requireNonNull(token, "token");
        byte[] presented = token.getBytes(StandardCharsets.UTF_8);
        String user = null;
        for (Map.Entry<String, String> e : tokens.entrySet()) {
            if (MessageDigest.isEqual(e.getKey().getBytes(StandardCharsets.UTF_8), presented)) {
                user = e.getValue();
            }
        }
        if (user == null) {
            throw new VoxwireException(ErrorCode.AUTH_FAILED, "unknown token");
        }
        return Principal.of(user);
    }

    @Override
    public String toString() {
        return "StaticTokenAuthenticator{users=" + tokens.values() + "}";
    }
}
