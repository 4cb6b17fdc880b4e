package dev.voxwire.gemini;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The client's answer to a {@link FunctionCall} ({@code toolResponse.functionResponses[]}).
 * Immutable.
 */
public final class FunctionResponse {
    private final String id;
    private final String name;
    private final ObjectNode response;

    private FunctionResponse(String id, String name, ObjectNode response) {
        this.id = id;
        this.name = name;
        this.response = response;
    }

    /**
     * An answer to call {@code id} of function {@code name}.
     *
     * @throws IllegalArgumentException when the id is blank (the Gemini API requires it)
     */
    public static FunctionResponse of(String id, String name, ObjectNode response) {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(response, "response");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id: '" + id + "' (expected: the id of the function call)");
        }
        return new FunctionResponse(id, name, response.deepCopy());
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** The response object (a copy). */
    public ObjectNode response() {
        return response.deepCopy();
    }

    @Override
    public String toString() {
        return "FunctionResponse{id=" + id + ", name=" + name + "}";
    }
}
