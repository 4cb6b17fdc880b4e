package dev.voxwire.cli;

import dev.voxwire.core.flags.Durations;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of a subcommand, parsed once for every command: {@code --name value} or
 * {@code --name=value} for valued options, a bare {@code --name} for flags. Unknown options,
 * missing values and repeated options are usage errors ({@link UsageException}); the typed getters
 * ({@link #port}, {@link #duration}, {@link #path}, {@link #required}) turn bad values into usage
 * errors that show the value; {@link #orUsage} reports them.
 */
final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Args() {
    }

    /** Parses {@code args} where every option takes a value. */
    static Args parse(String[] args, Set<String> valued) {
        return parse(args, valued, Set.of());
    }

    /** Parses {@code args}: {@code valued} options take a value, {@code flagNames} take none. */
    static Args parse(String[] args, Set<String> valued, Set<String> flagNames) {
        Args a = new Args();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            String inline = null;
            int eq = name.indexOf('=');
            if (name.startsWith("--") && eq > 2) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flagNames.contains(name)) {
                if (inline != null) {
                    throw new UsageException("option " + name + " takes no value (got '" + inline + "')");
                }
                if (!a.flags.add(name)) {
                    throw new UsageException("option " + name + " is given more than once");
                }
                continue;
            }
            if (!valued.contains(name)) {
                Set<String> known = new TreeSet<>(valued);
                known.addAll(flagNames);
                throw new UsageException("unknown option '" + name + "' (expected one of " + known + ")");
            }
            String value;
            if (inline != null) {
                value = inline;
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException("option " + name + " needs a value");
            }
            if (a.values.putIfAbsent(name, value) != null) {
                throw new UsageException("option " + name + " is given more than once");
            }
        }
        return a;
    }

    /** The value of a valued option, if given. */
    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** Whether a flag was given. */
    boolean flag(String name) {
        return flags.contains(name);
    }

    /** The value of an option that must be given. */
    String required(String name) {
        return get(name).orElseThrow(() -> new UsageException(name + " is required"));
    }

    /** A port number 0..65535, if given. */
    Optional<Integer> port(String name) {
        return get(name).map(v -> {
            try {
                int p = Integer.parseInt(v.trim());
                if (p >= 0 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException(name + ": '" + v + "' (expected: a number 0..65535)");
        });
    }

    /** A duration ({@code 30s}, {@code 10m}, {@code 1h}, {@code PT30S}), if given. */
    Optional<Duration> duration(String name) {
        return get(name).map(v -> Durations.tryParse(v).filter(d -> !d.isNegative() && !d.isZero())
                .orElseThrow(() -> new UsageException(name + ": '" + v
                        + "' (expected: a positive duration such as 30s, 10m, 1h or PT30S)")));
    }

    /** A file path, if given. */
    Optional<Path> path(String name) {
        return get(name).map(v -> {
            if (v.isBlank()) {
                throw new UsageException(name + ": '' (expected: a file path)");
            }
            return Path.of(v);
        });
    }

    /**
     * Runs {@code parse} (a command's option handling). A {@link UsageException} or an
     * {@link IllegalArgumentException} (a value a builder refused) is printed to {@code err} as
     * {@code voxwire COMMAND: message} followed by the usage line, and gives an empty result: the
     * command then returns {@link Main#EXIT_USAGE}.
     */
    static <T, E extends Exception> Optional<T> orUsage(String command, String usage, PrintStream err, Parse<T, E> parse)
            throws E {
        try {
            return Optional.of(parse.call());
        } catch (UsageException | IllegalArgumentException e) {
            err.println("voxwire " + command + ": " + e.getMessage());
            err.println("usage: " + usage);
            return Optional.empty();
        }
    }

    /** A command's option handling; may throw {@code E} (e.g. an {@code IOException} reading a file). */
    @FunctionalInterface
    interface Parse<T, E extends Exception> {
        T call() throws E;
    }

    /** A usage error: exit code {@link Main#EXIT_USAGE}. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
