package dev.voxwire.gemini;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One call the model asks the client to make ({@code toolCall.functionCalls[]}). Answer it with
 * {@link LiveSession#sendToolResponse} and a {@link FunctionResponse} carrying the same
 * {@link #id()}.
 *
 * @param id the call id (required in the answer)
 * @param name the function name
 * @param args the arguments; an empty object when the model sent none
 */
public record FunctionCall(String id, String name, ObjectNode args) {
    public FunctionCall {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        args = requireNonNull(args, "args").deepCopy();
    }

    /** The arguments (a copy). */
    @Override
    public ObjectNode args() {
        return args.deepCopy();
    }

    /** A response to this call. */
    public FunctionResponse respond(ObjectNode response) {
        return FunctionResponse.of(id, name, response);
    }
}
