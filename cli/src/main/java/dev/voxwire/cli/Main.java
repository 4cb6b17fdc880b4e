package dev.voxwire.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code ./voxwire} command line. Each subcommand is a {@link Command}; {@code --help}
 * lists them.
 */
public final class Main {
    /** Exit code for a usage error. */
    public static final int EXIT_USAGE = 64;
    /** Exit code for a subcommand that is not available in this build yet. */
    public static final int EXIT_UNAVAILABLE = 69;

    /** One subcommand. */
    public interface Command {
        /** One line for {@code --help}. */
        String summary();

        /** Usage text for {@code voxwire NAME --help}. */
        String usage();

        /** Runs with the arguments after the subcommand name; returns the exit code. */
        int run(String[] args, PrintStream out, PrintStream err) throws Exception;
    }

    private Main() {
    }

    /** The subcommands, in the order {@code --help} lists them. */
    static Map<String, Command> commands() {
        Map<String, Command> c = new LinkedHashMap<>();
        c.put("serve", new ServeCommand(System::getenv));
        c.put("stream", new StreamCommand());
        c.put("token", new TokenCommand(System::getenv));
        c.put("simulate-gemini", new SimulateGeminiCommand());
        c.put("live", Unavailable.of("talk to Gemini Live (or the simulator); print events as JSON lines",
                "voxwire live --file a.wav [--text \"...\"] [--simulator]", "gemini-live (issue #7)"));
        return c;
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.out, System.err);
        } catch (Exception e) {
            System.err.println("voxwire: " + e.getMessage());
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }

    /** Runs the command line; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Map<String, Command> commands = commands();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            printHelp(commands, args.length == 0 ? err : out);
            return args.length == 0 ? EXIT_USAGE : 0;
        }
        Command c = commands.get(args[0]);
        if (c == null) {
            err.println("voxwire: unknown command '" + args[0] + "'");
            printHelp(commands, err);
            return EXIT_USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (rest.length > 0 && (rest[0].equals("--help") || rest[0].equals("-h"))) {
            out.println("usage: " + c.usage());
            out.println();
            out.println(c.summary());
            return 0;
        }
        return c.run(rest, out, err);
    }

    private static void printHelp(Map<String, Command> commands, PrintStream out) {
        out.println("usage: voxwire <command> [options]");
        out.println();
        out.println("commands:");
        commands.forEach((name, c) -> out.printf("  %-16s %s%n", name, c.summary()));
        out.println();
        out.println("'voxwire <command> --help' shows a command's options.");
    }

    /** A subcommand whose module is not in this build yet: it says so and which issue adds it. */
    record Unavailable(String summary, String usage, String providedBy) implements Command {
        static Unavailable of(String summary, String usage, String providedBy) {
            return new Unavailable(summary, usage, providedBy);
        }

        @Override
        public int run(String[] args, PrintStream out, PrintStream err) {
            err.println("voxwire: this command is not available in this build yet; it comes with " + providedBy);
            return EXIT_UNAVAILABLE;
        }
    }
}
