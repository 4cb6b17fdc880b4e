package dev.voxwire.server.conversation;

import dev.voxwire.server.ConversationEngine;
import dev.voxwire.server.ConversationRequest;
import dev.voxwire.server.ConversationTurn;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A demo {@link ConversationEngine} that answers at once with
 * {@code "You said: <message> (turn <n>)"}, where {@code n} counts the user's messages in the
 * thread including this one, which makes the thread's history visible in demos and tests.
 */
public final class EchoConversationEngine implements ConversationEngine {
    private static final EchoConversationEngine INSTANCE = new EchoConversationEngine();

    private EchoConversationEngine() {
    }

    /** The engine (stateless). */
    public static EchoConversationEngine ofDefaults() {
        return INSTANCE;
    }

    @Override
    public CompletionStage<String> reply(ConversationRequest request) {
        long turn = 1 + request.history().stream().filter(t -> t.role() == ConversationTurn.Role.USER).count();
        return CompletableFuture.completedFuture("You said: " + request.message() + " (turn " + turn + ")");
    }

    @Override
    public String toString() {
        return "EchoConversationEngine";
    }
}
