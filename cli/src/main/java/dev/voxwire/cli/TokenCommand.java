package dev.voxwire.cli;

import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.auth.JwtIssuer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code voxwire token --user ID [--ttl 1h] [--config FILE]}: prints a JWT that {@code serve}
 * started with the same configuration accepts (the development secret unless
 * {@code VOXWIRE_JWT_SECRET} or the config file's {@code jwtSecret} says otherwise; see
 * {@link ServerDefaults#config}).
 */
final class TokenCommand implements Main.Command {
    static final Set<String> OPTIONS = Set.of("--user", "--ttl", "--config");
    /** The lifetime of a token when {@code --ttl} is not given. */
    static final Duration DEFAULT_TTL = Duration.ofHours(1);

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
        Optional<String> token = Args.orUsage("token", usage(), err, () -> {
            Args a = Args.parse(args, OPTIONS);
            String user = a.required("--user");
            Duration ttl = a.duration("--ttl").orElse(DEFAULT_TTL);
            ServerConfig config = ServerDefaults.config(a.path("--config"), env);
            return JwtIssuer.of(config.jwtSecret()).issue(user, ttl);
        });
        token.ifPresent(out::println);
        return token.isPresent() ? 0 : Main.EXIT_USAGE;
    }
}
