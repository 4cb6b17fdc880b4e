/**
 * Conversations for {@code conversation:message} requests.
 *
 * <p>{@link dev.voxwire.server.conversation.ConversationHandler} serves the event: the thread id is
 * the session's client id ({@code /ws/{clientId}}), or the session id when it has none, so a client
 * reconnecting with the same client id continues its thread. For each message it loads the
 * thread's history from a {@link dev.voxwire.server.ConversationStore} (by default the bounded
 * {@link dev.voxwire.server.conversation.InMemoryConversationStore}), asks the application's
 * {@link dev.voxwire.server.ConversationEngine} for the reply off the event loop, stores both turns
 * and answers with {@code conversation:reply}. A slow engine first causes a
 * {@code conversation:processing} notice; a failing or timed-out engine an {@code ENGINE_ERROR},
 * after which the thread keeps working; a failing store is logged and counted and the
 * conversation goes on without history.
 * {@link dev.voxwire.server.conversation.EchoConversationEngine} is a demo engine.
 */
@NullMarked
package dev.voxwire.server.conversation;

import org.jspecify.annotations.NullMarked;
