package dev.voxwire.cli;

import dev.voxwire.server.EventHandler;
import dev.voxwire.server.analysis.AnalysisHandler;
import dev.voxwire.server.conversation.ConversationHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ./voxwire serve} runs with by default. Public so that the browser tests (module
 * {@code web-tests}) start a server with exactly the handlers {@code serve} registers.
 */
public final class ServerDefaults {
    private ServerDefaults() {
    }

    /**
     * The event handlers {@code serve} registers. The one place to add handlers: audio analysis
     * ({@code audio:analyze}) and the echo conversation engine ({@code conversation:message}).
     */
    public static List<EventHandler> handlers() {
        List<EventHandler> handlers = new ArrayList<>();
        handlers.add(AnalysisHandler.ofDefaults());
        handlers.add(ConversationHandler.ofDefaults());
        return handlers;
    }
}
