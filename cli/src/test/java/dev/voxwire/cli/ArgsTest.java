package dev.voxwire.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArgsTest {
    private static final Set<String> VALUED = Set.of("--port", "--ttl", "--config", "--user");

    private static Args parse(String... args) {
        return Args.parse(args, VALUED, Set.of("--tls"));
    }

    @Test
    void valuedOptionsTakeTheNextArgumentOrAnInlineValue() {
        Args a = parse("--user", "alice", "--port=9000", "--tls");
        assertThat(a.get("--user")).contains("alice");
        assertThat(a.port("--port")).contains(9000);
        assertThat(a.flag("--tls")).isTrue();
        assertThat(a.get("--ttl")).isEmpty();
        assertThat(parse().flag("--tls")).isFalse();
    }

    @Test
    void unknownRepeatedOrValuelessOptionsAreUsageErrors() {
        assertThatThrownBy(() -> parse("--bogus", "1")).isInstanceOf(Args.UsageException.class)
                .hasMessage("unknown option '--bogus' (expected one of [--config, --port, --tls, --ttl, --user])");
        assertThatThrownBy(() -> parse("--user", "a", "--user", "b")).isInstanceOf(Args.UsageException.class)
                .hasMessage("option --user is given more than once");
        assertThatThrownBy(() -> parse("--user")).isInstanceOf(Args.UsageException.class)
                .hasMessage("option --user needs a value");
        assertThatThrownBy(() -> parse("--tls=yes")).isInstanceOf(Args.UsageException.class)
                .hasMessage("option --tls takes no value (got 'yes')");
        assertThatThrownBy(() -> parse("alice")).isInstanceOf(Args.UsageException.class)
                .hasMessageStartingWith("unknown option 'alice'");
    }

    @Test
    void typedGettersShowTheBadValue() {
        assertThatThrownBy(() -> parse("--port", "abc").port("--port"))
                .hasMessage("--port: 'abc' (expected: a number 0..65535)");
        assertThatThrownBy(() -> parse("--port", "70000").port("--port"))
                .hasMessage("--port: '70000' (expected: a number 0..65535)");
        assertThatThrownBy(() -> parse("--ttl", "soon").duration("--ttl"))
                .hasMessage("--ttl: 'soon' (expected: a positive duration such as 30s, 10m, 1h or PT30S)");
        assertThatThrownBy(() -> parse("--ttl", "0s").duration("--ttl")).isInstanceOf(Args.UsageException.class);
        assertThatThrownBy(() -> parse().required("--user")).hasMessage("--user is required");
        assertThat(parse("--ttl", "90m").duration("--ttl")).contains(Duration.ofMinutes(90));
        assertThat(parse("--ttl", "PT2H").duration("--ttl")).contains(Duration.ofHours(2));
        assertThat(parse("--config", "a/b.properties").path("--config")).contains(Path.of("a/b.properties"));
    }

    @Test
    void orUsagePrintsTheErrorAndTheUsageLine() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        Optional<Integer> bad = Args.orUsage("token", "voxwire token --user ID", err, () -> parse("--x").port("--port")
                .orElse(0));
        Optional<Integer> refused = Args.orUsage("serve", "voxwire serve", err,
                () -> ServerConfig.builder().port(-1).build().port());
        Optional<Integer> good = Args.orUsage("serve", "voxwire serve", err, () -> 7);

        assertThat(bad).isEmpty();
        assertThat(refused).isEmpty();
        assertThat(good).contains(7);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("voxwire token: unknown option '--x'")
                .contains("usage: voxwire token --user ID").contains("voxwire serve: port: -1 (expected: 0..65535)");
    }

    @Test
    void serveAndTokenReadTheSameConfigurationAndOptions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("voxwire.properties");
        Files.writeString(file, "port=0\nhost=127.0.0.1\nidleTimeout=45s\n");
        ServerConfig c = new ServeCommand(k -> null).config(new String[] {"--config", file.toString(), "--port", "0"});
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.port()).isZero();
        String secret = "an-environment-secret-of-enough-bytes-0123";
        assertThat(ServerDefaults.config(Optional.of(file), Map.of("VOXWIRE_JWT_SECRET", secret)::get).jwtSecret())
                .isEqualTo(secret);
    }

    @Test
    void configProblemsAreUsageErrorsThatNeverShowTheSecret(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ServerDefaults.config(Optional.of(dir.resolve("missing.properties")), k -> null))
                .isInstanceOf(Args.UsageException.class).hasMessageContaining("missing.properties does not exist");
        Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "idleTimeout=0s\n");
        assertThatThrownBy(() -> ServerDefaults.config(Optional.of(bad), k -> null))
                .isInstanceOf(Args.UsageException.class).hasMessageContaining("idleTimeout: PT0S");
        assertThatThrownBy(() -> ServerDefaults.config(Optional.empty(), Map.of("VOXWIRE_JWT_SECRET", "short-secret")::get))
                .isInstanceOf(Args.UsageException.class).hasMessageContaining("VOXWIRE_JWT_SECRET")
                .hasMessageNotContaining("short-secret");
    }

    @Test
    void everyCommandReportsUsageErrorsTheSameWay() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThat(new TokenCommand(k -> null).run(new String[] {"--user", "x", "--ttl"}, out, err))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(new ServeCommand(k -> null).run(new String[] {"--port", "99999"}, out, err))
                .isEqualTo(Main.EXIT_USAGE);

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "voxwire token: option --ttl needs a value",
                "usage: voxwire token --user ID [--ttl 1h] [--config FILE]",
                "voxwire serve: --port: '99999' (expected: a number 0..65535)",
                "usage: voxwire serve [--port 8080] [--host 127.0.0.1] [--config FILE]");
    }
}
