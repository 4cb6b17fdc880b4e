package dev.voxwire.testkit.gemini;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one connection to the simulator, for assertions: how the client connected,
 * what it set up and sent, and how the connection ended. Never holds the credential itself.
 */
public final class SimulatedSession {
    /** How the client presented its credential. */
    public enum Credential {
        /** No credential. */
        NONE,
        /** An API key in the {@code key} query parameter. */
        API_KEY_QUERY,
        /** An API key in the {@code x-goog-api-key} header. */
        API_KEY_HEADER,
        /** An ephemeral token in the {@code access_token} query parameter. */
        TOKEN_QUERY,
        /** An ephemeral token in {@code Authorization: Token ...}. */
        TOKEN_HEADER
    }

    private final String id;
    private final String apiVersion;
    private final String method;
    private final Credential credential;
    private final @Nullable String model;
    private final List<String> responseModalities;
    private final @Nullable String resumedFrom;
    private final int turnCount;
    private final List<String> receivedMessages;
    private final boolean open;
    private final @Nullable Integer closeCode;
    private final @Nullable String closeReason;

    SimulatedSession(String id, String apiVersion, String method, Credential credential, @Nullable String model,
            List<String> responseModalities, @Nullable String resumedFrom, int turnCount,
            List<String> receivedMessages, boolean open, @Nullable Integer closeCode, @Nullable String closeReason) {
        this.id = id;
        this.apiVersion = apiVersion;
        this.method = method;
        this.credential = credential;
        this.model = model;
        this.responseModalities = List.copyOf(responseModalities);
        this.resumedFrom = resumedFrom;
        this.turnCount = turnCount;
        this.receivedMessages = List.copyOf(receivedMessages);
        this.open = open;
        this.closeCode = closeCode;
        this.closeReason = closeReason;
    }

    /** The simulator's id for this connection ({@code session-1}, {@code session-2}, ...). */
    public String id() {
        return id;
    }

    /** {@code v1beta} or {@code v1alpha}. */
    public String apiVersion() {
        return apiVersion;
    }

    /** {@code BidiGenerateContent} or {@code BidiGenerateContentConstrained}. */
    public String method() {
        return method;
    }

    /** How the credential was presented. */
    public Credential credential() {
        return credential;
    }

    /** The model of the accepted setup, as sent ({@code models/...}). */
    public Optional<String> model() {
        return Optional.ofNullable(model);
    }

    /** The response modalities of the accepted setup ({@code TEXT}, {@code AUDIO}). */
    public List<String> responseModalities() {
        return responseModalities;
    }

    /** The resumption handle this session was resumed from. */
    public Optional<String> resumedFrom() {
        return Optional.ofNullable(resumedFrom);
    }

    /** The number of user turns so far, counting those of the session it resumed. */
    public int turnCount() {
        return turnCount;
    }

    /** Every message the client sent on this connection, as received (JSON text). */
    public List<String> receivedMessages() {
        return receivedMessages;
    }

    /** Whether the connection is still open. */
    public boolean open() {
        return open;
    }

    /** The close code the simulator sent or received, if the connection was closed with a frame. */
    public Optional<Integer> closeCode() {
        return Optional.ofNullable(closeCode);
    }

    /** The close reason that went with {@link #closeCode()}. */
    public Optional<String> closeReason() {
        return Optional.ofNullable(closeReason);
    }

    @Override
    public String toString() {
        return "SimulatedSession{id=" + id + ", apiVersion=" + apiVersion + ", method=" + method
                + ", credential=" + credential + ", model=" + model + ", turnCount=" + turnCount
                + ", received=" + receivedMessages.size() + ", open=" + open + ", closeCode=" + closeCode + '}';
    }
}
