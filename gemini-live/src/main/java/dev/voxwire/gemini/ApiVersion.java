package dev.voxwire.gemini;

/** The API version in the Live endpoint's path. */
public enum ApiVersion {
    /** {@code v1beta}: the default for API keys. */
    V1BETA("v1beta"),
    /** {@code v1alpha}: preview features; the default for ephemeral tokens. */
    V1ALPHA("v1alpha");

    private final String path;

    ApiVersion(String path) {
        this.path = path;
    }

    /** The path segment: {@code v1beta} or {@code v1alpha}. */
    public String path() {
        return path;
    }
}
