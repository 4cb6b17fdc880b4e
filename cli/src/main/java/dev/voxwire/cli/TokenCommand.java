package dev.voxwire.cli;

import dev.voxwire.core.flags.Durations;

import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.auth.JwtIssuer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code voxwire token --user ID [--ttl 1h] [--config FILE]}: prints a JWT that {@code serve}
 * started with the same configuration accepts (the development secret unless
 * {@code VOXWIRE_JWT_SECRET} or the config file's {@code jwtSecret} says otherwise).
 */
final class TokenCommand implements Main.Command {
    private final Function<String, String> env;

    TokenCommand(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public String summary() {
        return "print a development token the server accepts";
    }

    @Override
    public String usage() {
        return "voxwire token --user ID [--ttl 1h] [--config FILE]";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        try {
            Args a = Args.parse(args, Set.of("--user", "--ttl", "--config"));
            String user = a.get("--user").orElseThrow(() -> new Args.UsageException("--user is required"));
            Duration ttl = Durations.parse("--ttl", a.get("--ttl").orElse("1h"));
            ServerConfig config = ServeCommand.config(a.get("--config").map(Path::of).orElse(null), env);
            out.println(JwtIssuer.of(config.jwtSecret()).issue(user, ttl));
            return 0;
        } catch (Args.UsageException | IllegalArgumentException e) {
            err.println("voxwire token: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
    }
}
