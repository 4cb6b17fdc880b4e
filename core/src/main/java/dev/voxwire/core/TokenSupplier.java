package dev.voxwire.core;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Supplies the bearer token a transport presents. Asked on every connect and reconnect, so an
 * implementation can refresh tokens. Must not block for long: it runs before each connect.
 */
@FunctionalInterface
public interface TokenSupplier {
    /** The current token, or empty to connect without one. */
    Optional<String> token();

    /** No token. */
    static TokenSupplier none() {
        return Optional::empty;
    }

    /** Always the same token. */
    static TokenSupplier of(String token) {
        requireNonNull(token, "token");
        if (token.isBlank()) {
            throw new IllegalArgumentException("token: blank (expected: a token)");
        }
        Optional<String> t = Optional.of(token);
        return new TokenSupplier() {
            @Override
            public Optional<String> token() {
                return t;
            }

            @Override
            public String toString() {
                return "TokenSupplier[<redacted>]";
            }
        };
    }
}
