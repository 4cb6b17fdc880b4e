package dev.voxwire.gemini.internal;

import dev.voxwire.core.ErrorClassifier;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import java.net.URI;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Credential checks and redaction. */
public final class Secrets {
    /** Visible ASCII without spaces, 8-512 characters: what fits in a header and looks like a key or token. */
    private static final Pattern WELL_FORMED = Pattern.compile("[\\x21-\\x7E]{8,512}");
    /** Shown instead of a secret. */
    public static final String REDACTED = "<redacted>";

    private Secrets() {
    }

    /**
     * {@code secret} when it is well-formed; otherwise a {@link VoxwireException} with
     * {@link ErrorCode#AUTH_FAILED} whose message says what is wrong without showing it.
     */
    public static String requireWellFormed(@Nullable String secret, String what) {
        if (secret == null || secret.isEmpty()) {
            throw new VoxwireException(ErrorCode.AUTH_FAILED, what + ": missing (expected: a Gemini API key or "
                    + "ephemeral token; set GEMINI_API_KEY or call apiKey(...))");
        }
        if (!WELL_FORMED.matcher(secret).matches()) {
            throw new VoxwireException(ErrorCode.AUTH_FAILED, what + ": malformed, " + secret.length()
                    + " characters (expected: 8-512 visible ASCII characters without spaces)");
        }
        return secret;
    }

    /** The URI without its query (it may hold {@code key} or {@code access_token}). */
    public static String redactUri(URI uri) {
        String s = uri.toString();
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q) + "?" + REDACTED;
    }

    /** {@code text} with every occurrence of {@code secret} replaced. */
    public static String scrub(@Nullable String text, @Nullable String secret) {
        if (text == null) {
            return "";
        }
        if (secret == null || secret.isEmpty()) {
            return text;
        }
        return text.replace(secret, REDACTED);
    }

    /**
     * {@code failure} as a {@link VoxwireException} that cannot show {@code secret}: the same code,
     * the message scrubbed, and the cause kept only when no message in its chain holds the secret.
     */
    public static VoxwireException sanitize(Throwable failure, @Nullable String secret) {
        VoxwireException v = ErrorClassifier.toException(failure);
        boolean leaks = false;
        for (Throwable t = v; t != null && secret != null && !secret.isEmpty(); t = t.getCause()) {
            String m = t.getMessage();
            if ((m != null && m.contains(secret)) || t.toString().contains(secret)) {
                leaks = true;
                break;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (!leaks) {
            return v;
        }
        return new VoxwireException(v.code(), scrub(v.getMessage(), secret), null, v.retryAfter().orElse(null));
    }
}
