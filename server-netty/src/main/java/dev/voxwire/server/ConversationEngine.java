package dev.voxwire.server;

import java.util.concurrent.CompletionStage;

/**
 * The application's conversational logic (an agent, an LLM call, a rules engine) behind
 * {@code conversation:message}: given a user message and the thread's history, it produces the
 * reply. The server ships {@code dev.voxwire.server.conversation.EchoConversationEngine} for demos.
 *
 * <p>Threading: {@link #reply} is called on a worker thread, never on an event loop; it may block
 * briefly but should rather return an incomplete stage and finish it elsewhere. Calls for different
 * threads run concurrently; calls for the same thread are made one at a time, in arrival order.
 *
 * <p>Failure: a stage completed exceptionally (or an exception thrown by {@code reply}) becomes an
 * {@code ENGINE_ERROR} for that message only; the thread goes on. When the client cancels the
 * request, or the server's reply timeout expires, the server cancels the returned stage's
 * {@link CompletionStage#toCompletableFuture() CompletableFuture}; an engine that can stop its work
 * should watch for that.
 */
@FunctionalInterface
public interface ConversationEngine {
    /** Produces the reply text to {@code request}. */
    CompletionStage<String> reply(ConversationRequest request);
}
