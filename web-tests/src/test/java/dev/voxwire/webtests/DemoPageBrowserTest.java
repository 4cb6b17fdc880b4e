package dev.voxwire.webtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.cli.LiveBackends;
import dev.voxwire.cli.ServerDefaults;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.reliability.RateLimits;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo page at {@code /} in Debian's headless Chromium, driven by {@code playwright-core}
 * (script {@code src/test/js/page.test.mjs}) against a real {@link VoxwireServer} with the handlers
 * of {@code ./voxwire serve}. Chromium's fake microphone plays a generated WAV.
 *
 * <p>Needs {@code /usr/bin/chromium} (or {@code -Dvoxwire.chromium=PATH}), {@code node} and
 * {@code npm}: {@code .ci/run} installs them. When one is missing the test FAILS and says what to
 * install; {@code -Dvoxwire.webTests.skip=true} skips it on purpose. {@code npm ci} runs here when
 * {@code target/browser-tests/node_modules} lacks the locked playwright-core.
 *
 * <p>The chat and live parts of the script are off unless {@code -Dvoxwire.webTests.chatAndLive=true}:
 * they need the rooms handlers and the live bridge on the server.
 */
class DemoPageBrowserTest {
    private static final List<String> JS_FILES = List.of("package.json", "package-lock.json", "page.test.mjs",
            "connection.test.mjs");
    private static final List<String> CHAT_LIVE_TESTS = List.of(
            "websocket: two pages in #general see each other's messages, presence and typing",
            "websocket: the fake microphone streams live:audio and live events appear",
            "sse: two pages in #general see each other's messages, presence and typing",
            "sse: the fake microphone streams live:audio and live events appear");

    private final AtomicReference<VoxwireServer> server = new AtomicReference<>();
    /** The live bridge's backend, as {@code serve} makes it: the embedded Gemini Live simulator. */
    private final LiveBackends live = LiveBackends.create(k -> null);

    @AfterEach
    void stopServer() {
        VoxwireServer s = server.getAndSet(null);
        try {
            if (s != null) {
                s.close(Duration.ofSeconds(2));
            }
        } finally {
            live.close();
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void demoPageConnectsAnalyzesCapturesAndRecoversInChromiumOverWebSocketAndSse() throws Exception {
        boolean chatAndLive = Boolean.getBoolean("voxwire.webTests.chatAndLive");
        Tools tools = Tools.find();
        Path work = prepareNodeProject(tools);

        // tone and silence: the silences are longer than the Live simulator's end-of-speech silence
        // (500 ms), so that each burst is a turn the model answers
        Path fakeMic = TestWavs.write(work.resolve("fake-mic.wav"), 48_000,
                new TestWavs.Part(220, 600), new TestWavs.Part(0, 900), new TestWavs.Part(220, 600),
                new TestWavs.Part(0, 900));
        Path upload = TestWavs.write(work.resolve("upload.wav"), 16_000,
                new TestWavs.Part(0, 250), new TestWavs.Part(200, 1000), new TestWavs.Part(0, 250));
        String expect = "{\"upload\":{\"durationMs\":1500,\"pitchHz\":200,\"voicedSegments\":1},"
                + "\"mic\":{\"pitchHz\":220}}";

        ServerConfig config = ServerConfig.builder().port(0).devTokens(true)
                .rateLimits(RateLimits.builder().limit("connect", 100_000, Duration.ofMinutes(1)).build())
                .drainDeadline(Duration.ofSeconds(2)).reconnectAfter(Duration.ofMillis(300)).build();
        server.set(start(config));
        ServerConfig samePort = config.toBuilder().port(server.get().port()).build();

        ProcessBuilder pb = new ProcessBuilder(tools.node().toString(), "page.test.mjs").directory(work.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("VOXWIRE_URL", "http://127.0.0.1:" + server.get().port());
        env.put("VOXWIRE_FAKE_MIC_WAV", fakeMic.toString());
        env.put("VOXWIRE_UPLOAD_WAV", upload.toString());
        env.put("VOXWIRE_EXPECT", expect);
        env.put("VOXWIRE_CHROMIUM", tools.chromium().toString());
        env.put("VOXWIRE_CHAT_LIVE_TESTS", chatAndLive ? "1" : "0");
        Process node = pb.start();
        List<String> output = new ArrayList<>();
        AtomicReference<String> result = new AtomicReference<>();
        Thread reader = new Thread(() -> readScript(node, output, result, samePort), "web-tests-node-output");
        reader.setDaemon(true);
        reader.start();
        boolean exited = node.waitFor(240, TimeUnit.SECONDS);
        if (!exited) {
            node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        String log = String.join("\n", snapshot(output));
        assertThat(exited).as("browser test script finished within 240 s; its output:%n%s", log).isTrue();
        assertThat(result.get()).as("the script's @@result line; its output:%n%s", log).isNotNull();

        JsonNode summary = EnvelopeCodec.mapper().readTree(result.get());
        List<String> passed = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (JsonNode r : summary.path("results")) {
            switch (r.path("status").asText()) {
                case "passed" -> passed.add(r.path("name").asText());
                case "skipped" -> skipped.add(r.path("name").asText());
                default -> failed.add(r.path("name").asText() + ": " + r.path("error").asText());
            }
        }
        assertThat(failed).as("failed browser tests; script output:%n%s", log).isEmpty();
        assertThat(node.exitValue()).as("script exit code; output:%n%s", log).isZero();
        assertThat(passed).as("passed browser tests").contains(
                "websocket: the page connects (default transport from /config.json) and analyzes an uploaded WAV",
                "sse: the page connects and analyzes an uploaded WAV over POST /sse/audio-analysis",
                "the transport selector switches a connected page from websocket to sse",
                "the fake microphone is captured as 16 kHz PCM16 by the AudioWorklet and analyzed",
                "both transports show a reconnect when the server stops and recover once it restarts",
                "no uncaught errors in any page");
        if (chatAndLive) {
            assertThat(skipped).isEmpty();
            assertThat(passed).containsAll(CHAT_LIVE_TESTS);
        } else {
            assertThat(skipped).as("only the switched-off chat and live tests are skipped")
                    .containsExactlyInAnyOrderElementsOf(CHAT_LIVE_TESTS);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void pageClientFollowsTheResumeRulesOnWebSocketAndSse() throws Exception {
        Tools tools = Tools.find();
        Path work = Path.of(System.getProperty("voxwire.webTests.work", "target/browser-tests"));
        Path staticDir = work.resolve("static");
        Files.createDirectories(staticDir);
        Path src = Path.of(System.getProperty("voxwire.webTests.js", "src/test/js"));
        Files.copy(src.resolve("connection.test.mjs"), work.resolve("connection.test.mjs"),
                StandardCopyOption.REPLACE_EXISTING);
        // the client as the server serves it, from the class path (connection.js imports audio.js)
        for (String file : List.of("connection.js", "audio.js")) {
            try (var in = VoxwireServer.class.getResourceAsStream("/dev/voxwire/server/static/" + file)) {
                assertThat(in).as(file + " on the class path").isNotNull();
                Files.copy(in, staticDir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        ProcessBuilder pb = new ProcessBuilder(tools.node().toString(), "--test", "connection.test.mjs")
                .directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("VOXWIRE_STATIC_DIR", staticDir.toAbsolutePath().toString());
        Process node = pb.start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node --test finished; output:%n%s", out).isTrue();
        System.out.println(out);
        assertThat(node.exitValue()).as("node --test connection.test.mjs; output:%n%s", out).isZero();
        assertThat(out).contains("# pass 8").contains("# fail 0");
    }

    /** Reads the script's output, answering its server stop/start requests, until it ends. */
    private void readScript(Process node, List<String> output, AtomicReference<String> result, ServerConfig samePort) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                Writer ack = new java.io.OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("[browser] " + line);
                synchronized (output) {
                    output.add(line);
                }
                if (line.startsWith("@@result ")) {
                    result.set(line.substring("@@result ".length()));
                } else if (line.startsWith("@@control ")) {
                    String command = line.substring("@@control ".length());
                    ack.write(control(command, samePort) + "\n");
                    ack.flush();
                }
            }
        } catch (IOException e) {
            synchronized (output) {
                output.add("(reading the script's output failed: " + e + ")");
            }
        }
    }

    /** Stops or starts the server for the script; the answer is "ok COMMAND" or says what failed. */
    private String control(String command, ServerConfig samePort) {
        try {
            switch (command) {
                case "stop-server" -> {
                    VoxwireServer s = server.getAndSet(null);
                    if (s != null) {
                        s.close(Duration.ofSeconds(2));
                    }
                }
                case "start-server" ->
                    // the old port may take a moment to be free again: retry until bound
                    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                            .until(() -> {
                                server.set(start(samePort));
                                return true;
                            });
                default -> {
                    return "unknown command " + command;
                }
            }
            return "ok " + command;
        } catch (RuntimeException e) {
            return "failed " + command + ": " + e;
        }
    }

    private static List<String> snapshot(List<String> output) {
        synchronized (output) {
            return new ArrayList<>(output);
        }
    }

    private VoxwireServer start(ServerConfig config) {
        return VoxwireServer.builder().config(config).handlers(ServerDefaults.handlers()).handler(live.handler())
                .build().start();
    }

    /** Copies the script and its package files to target/, and runs npm ci there when needed. */
    private static Path prepareNodeProject(Tools tools) throws Exception {
        Path src = Path.of(System.getProperty("voxwire.webTests.js", "src/test/js"));
        Path work = Path.of(System.getProperty("voxwire.webTests.work", "target/browser-tests"));
        Files.createDirectories(work);
        boolean lockChanged = !Files.exists(work.resolve("package-lock.json"))
                || Files.mismatch(src.resolve("package-lock.json"), work.resolve("package-lock.json")) >= 0;
        for (String f : JS_FILES) {
            Files.copy(src.resolve(f), work.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (lockChanged || !Files.exists(work.resolve("node_modules/playwright-core/package.json"))) {
            Path npmLog = work.resolve("npm-ci.log");
            Process npm = new ProcessBuilder(tools.npm().toString(), "ci", "--no-audit", "--no-fund")
                    .directory(work.toFile()).redirectErrorStream(true).redirectOutput(npmLog.toFile()).start();
            if (!npm.waitFor(300, TimeUnit.SECONDS)) {
                npm.destroyForcibly();
                fail("npm ci in %s did not finish within 300 s; see %s", work, npmLog);
            }
            if (npm.exitValue() != 0) {
                fail("npm ci in %s failed (exit %d); it needs the npm registry. Output:%n%s", work, npm.exitValue(),
                        Files.readString(npmLog));
            }
        }
        return work;
    }

    /** The external programs the browser test needs. */
    record Tools(Path chromium, Path node, Path npm) {
        static Tools find() {
            if (Boolean.getBoolean("voxwire.webTests.skip")) {
                Assumptions.abort("browser tests skipped on purpose (-Dvoxwire.webTests.skip=true)");
            }
            Path chromium = Path.of(System.getProperty("voxwire.chromium", "/usr/bin/chromium"));
            Optional<Path> node = onPath("node");
            Optional<Path> npm = onPath("npm");
            List<String> missing = new ArrayList<>();
            if (!Files.isExecutable(chromium)) {
                missing.add("Chromium at " + chromium + " (apt-get install -y chromium, or -Dvoxwire.chromium=PATH)");
            }
            if (node.isEmpty()) {
                missing.add("node on the PATH (apt-get install -y nodejs)");
            }
            if (npm.isEmpty()) {
                missing.add("npm on the PATH (apt-get install -y npm)");
            }
            if (!missing.isEmpty()) {
                fail("The demo page's browser tests need: %s. .ci/run installs them; to skip these tests on purpose"
                        + " run with -Dvoxwire.webTests.skip=true.", String.join("; ", missing));
            }
            return new Tools(chromium, node.orElseThrow(), npm.orElseThrow());
        }

        private static Optional<Path> onPath(String name) {
            String path = System.getenv("PATH");
            if (path == null) {
                return Optional.empty();
            }
            try (Stream<String> dirs = Stream.of(path.split(java.io.File.pathSeparator))) {
                return dirs.filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
            }
        }
    }
}
