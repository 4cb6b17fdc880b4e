package dev.voxwire.cli;

import dev.voxwire.server.EventHandler;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.analysis.AnalysisHandler;
import dev.voxwire.server.conversation.ConversationHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/** What {@code ./voxwire serve} runs with by default, and the configuration {@code serve} and {@code token} share. */
final class ServerDefaults {
    /** The environment variable that overrides the config's {@code jwtSecret}. */
    static final String JWT_SECRET_ENV = "VOXWIRE_JWT_SECRET";

    private ServerDefaults() {
    }

    /**
     * The event handlers {@code serve} registers. The one place to add handlers: audio analysis
     * ({@code audio:analyze}) and the echo conversation engine ({@code conversation:message}).
     */
    static List<EventHandler> handlers() {
        List<EventHandler> handlers = new ArrayList<>();
        handlers.add(AnalysisHandler.ofDefaults());
        handlers.add(ConversationHandler.ofDefaults());
        return handlers;
    }

    /**
     * The configuration of {@code serve} and {@code token}: the defaults, then the properties
     * {@code file} (keys of {@link ServerConfig#fromProperties}), then {@value #JWT_SECRET_ENV}
     * from {@code env} when set and not blank. A missing file or a bad value is a usage error.
     */
    static ServerConfig config(Optional<Path> file, Function<String, String> env) throws IOException {
        Properties p = new Properties();
        if (file.isPresent()) {
            try (InputStream in = Files.newInputStream(file.get())) {
                p.load(in);
            } catch (NoSuchFileException e) {
                throw new Args.UsageException("--config: " + file.get() + " does not exist");
            }
        }
        ServerConfig.Builder b;
        try {
            b = ServerConfig.fromProperties(p);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--config " + file.map(Path::toString).orElse("") + ": " + e.getMessage());
        }
        String secret = env.apply(JWT_SECRET_ENV);
        if (secret != null && !secret.isBlank()) {
            try {
                b.jwtSecret(secret);
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException(JWT_SECRET_ENV + ": " + e.getMessage());
            }
        }
        return b.build();
    }
}
