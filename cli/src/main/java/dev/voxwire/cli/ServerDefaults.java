package dev.voxwire.cli;

import dev.voxwire.server.EventHandler;
import dev.voxwire.server.analysis.AnalysisHandler;
import dev.voxwire.server.conversation.ConversationHandler;
import dev.voxwire.server.rooms.RoomsHandler;
import java.util.ArrayList;
import java.util.List;

/** What {@code ./voxwire serve} runs with by default. */
final class ServerDefaults {
    private ServerDefaults() {
    }

    /**
     * The event handlers {@code serve} registers. The one place to add handlers: audio analysis
     * ({@code audio:analyze}), the echo conversation engine ({@code conversation:message}) and
     * rooms, messages, typing and presence with the in-memory broker ({@code room:*},
     * {@code message:*}, {@code user:typing}, {@code presence:update}, {@code /api/channels}).
     */
    static List<EventHandler> handlers() {
        List<EventHandler> handlers = new ArrayList<>();
        handlers.add(AnalysisHandler.ofDefaults());
        handlers.add(ConversationHandler.ofDefaults());
        handlers.add(RoomsHandler.ofDefaults());
        return handlers;
    }
}
