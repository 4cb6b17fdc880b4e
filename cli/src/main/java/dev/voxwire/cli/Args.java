package dev.voxwire.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code --name value} options of a subcommand. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    private Args() {
    }

    /** Parses {@code args}; every option takes a value; unknown ones are usage errors. */
    static Args parse(String[] args, Set<String> known) {
        Args a = new Args();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!known.contains(name)) {
                throw new UsageException("unknown option '" + name + "' (expected one of " + known + ")");
            }
            if (i + 1 >= args.length) {
                throw new UsageException("option " + name + " needs a value");
            }
            a.values.put(name, args[++i]);
        }
        return a;
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** A usage error: exit code {@link Main#EXIT_USAGE}. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
