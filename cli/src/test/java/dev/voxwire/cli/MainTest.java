package dev.voxwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEverySubcommand() throws Exception {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("serve", "stream", "token", "simulate-gemini", "live");
    }

    @Test
    void unknownCommandIsAUsageError() throws Exception {
        assertThat(run("frobnicate")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate'");
    }

    @Test
    void noArgumentsPrintsHelpAndFails() throws Exception {
        assertThat(run()).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: voxwire");
    }

    @Test
    void everyCommandHasItsOwnHelp() throws Exception {
        for (String name : Main.commands().keySet()) {
            out.reset();
            assertThat(run(name, "--help")).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: voxwire " + name);
        }
    }
}
