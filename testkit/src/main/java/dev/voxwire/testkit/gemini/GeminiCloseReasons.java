package dev.voxwire.testkit.gemini;

import java.nio.charset.StandardCharsets;

/**
 * The close codes and reason texts the simulator uses, copied from what the Gemini Live
 * service was seen to send (see {@code docs/} and the protocol reference). Reasons are cut to
 * the 123-byte limit of a WebSocket close frame, as the service's are.
 */
public final class GeminiCloseReasons {
    /** 1007: an invalid argument (bad setup, bad field, setup not first, bad handle). */
    public static final int INVALID_ARGUMENT = 1007;
    /** 1008: an unknown model, or a missing or wrong credential. */
    public static final int POLICY_VIOLATION = 1008;
    /** 1011: an internal error, the service is unavailable, or the connection's time is up. */
    public static final int INTERNAL_ERROR = 1011;

    /** The reason of most 1007 closes. */
    public static final String REASON_INVALID_ARGUMENT = "Request contains an invalid argument.";
    /** The reason of a 1011 close mid-turn. */
    public static final String REASON_INTERNAL = "Internal error occurred.";
    /** The reason of the 1011 close when a {@code goAway}'s {@code timeLeft} has run out. */
    public static final String REASON_DEADLINE_EXPIRED = "Deadline expired before operation could complete.";
    /** The reason of the 1008 close when the request carries no credential. */
    public static final String REASON_NO_CREDENTIAL = "Method doesn't allow unregistered callers (callers without "
            + "established identity). Please use API Key or other form of API consumer identity to call this API.";
    /** The reason of the 1008 close when the API key is not the one required. */
    public static final String REASON_WRONG_KEY = "API key not valid. Please pass a valid API key.";
    /** The reason of the 1008 close when the ephemeral token is not one accepted. */
    public static final String REASON_WRONG_TOKEN = "Request had invalid authentication credentials. Expected OAuth "
            + "2 access token, login cookie or other valid authentication credential.";

    /** The longest close reason a WebSocket close frame holds, in UTF-8 bytes. */
    public static final int MAX_REASON_BYTES = 123;

    private GeminiCloseReasons() {
    }

    /**
     * The 1008 reason for a model the service does not know, cut to {@link #MAX_REASON_BYTES}:
     * {@code "models/X is not found for API version v1beta, or is not supported for
     * bidiGenerateContent. Call ListModels to ..."}.
     */
    public static String unknownModel(String model, String apiVersion) {
        String name = model.startsWith("models/") ? model : "models/" + model;
        return truncate(name + " is not found for API version " + apiVersion
                + ", or is not supported for bidiGenerateContent. Call ListModels to see the list of available "
                + "models and their supported methods.");
    }

    /** Cuts a reason to at most {@link #MAX_REASON_BYTES} UTF-8 bytes without splitting a character. */
    public static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_BYTES) {
            return reason;
        }
        int end = MAX_REASON_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
