package dev.voxwire.cli;

import dev.voxwire.server.EventHandler;
import java.util.ArrayList;
import java.util.List;

/** What {@code ./voxwire serve} runs with by default. */
final class ServerDefaults {
    private ServerDefaults() {
    }

    /**
     * The event handlers {@code serve} registers. THE ONE PLACE to add handlers: the audio analysis
     * ({@code audio:analyze}) and conversation ({@code conversation:message}) handlers are added here
     * when their modules are merged.
     */
    static List<EventHandler> handlers() {
        List<EventHandler> handlers = new ArrayList<>();
        // handlers.add(<audio analysis handler>);   -- wired at merge (dev.voxwire.server.analysis)
        // handlers.add(<conversation handler>);     -- wired at merge (dev.voxwire.server.conversation)
        return handlers;
    }
}
