package dev.voxwire.gemini;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A function the model may call ({@code tools[].functionDeclarations[]}): a name, a description
 * and, optionally, its parameters as an OpenAPI-style schema object
 * ({@code {"type":"OBJECT","properties":{...}}}). Immutable.
 */
public final class FunctionDeclaration {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:-]{0,63}");

    private final String name;
    private final String description;
    private final @Nullable ObjectNode parameters;

    private FunctionDeclaration(String name, String description, @Nullable ObjectNode parameters) {
        this.name = name;
        this.description = description;
        this.parameters = parameters;
    }

    /** A function without parameters. */
    public static FunctionDeclaration of(String name, String description) {
        return of(name, description, null);
    }

    /**
     * A function with a parameter schema (copied).
     *
     * @throws IllegalArgumentException when the name is not 1-64 letters, digits, {@code _ . : -}
     *     starting with a letter or underscore (the service's rule)
     */
    public static FunctionDeclaration of(String name, String description, @Nullable ObjectNode parameters) {
        requireNonNull(name, "name");
        requireNonNull(description, "description");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: '" + name
                    + "' (expected: 1-64 of [A-Za-z0-9_.:-], starting with a letter or '_')");
        }
        return new FunctionDeclaration(name, description, parameters == null ? null : parameters.deepCopy());
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** The parameter schema (a copy). */
    public Optional<ObjectNode> parameters() {
        return Optional.ofNullable(parameters).map(ObjectNode::deepCopy);
    }

    @Override
    public String toString() {
        return "FunctionDeclaration{" + name + "}";
    }
}
