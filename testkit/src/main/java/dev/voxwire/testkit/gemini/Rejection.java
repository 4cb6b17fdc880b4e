package dev.voxwire.testkit.gemini;

/** A client message the service would refuse: the connection closes with this code and reason. */
final class Rejection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int code;
    final String reason;

    Rejection(int code, String reason) {
        super(code + " " + reason, null, false, false);
        this.code = code;
        this.reason = GeminiCloseReasons.truncate(reason);
    }

    static Rejection invalidArgument() {
        return new Rejection(GeminiCloseReasons.INVALID_ARGUMENT, GeminiCloseReasons.REASON_INVALID_ARGUMENT);
    }

    /** Proto JSON parsing of a field the message type does not have. */
    static Rejection unknownField(String name, String at) {
        return new Rejection(GeminiCloseReasons.INVALID_ARGUMENT, "Invalid JSON payload received. Unknown name \""
                + name + "\"" + (at.isEmpty() ? "" : " at '" + at + "'") + ": Cannot find field.");
    }
}
