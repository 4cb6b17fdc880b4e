package dev.voxwire.gemini.internal;

import static java.util.Objects.requireNonNull;

/** A checked API key or ephemeral token. {@link #toString()} never shows it. */
public record Credential(String secret, boolean ephemeral) {
    public Credential {
        requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return "Credential[" + (ephemeral ? "ephemeral token" : "API key") + " " + Secrets.REDACTED + "]";
    }
}
