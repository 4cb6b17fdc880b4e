package dev.voxwire.benchmarks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.spi.TransportProvider;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of one request ({@code conversation:message} to the echo engine, until its
 * {@code conversation:reply}) against an in-process server on loopback:
 * <ul>
 *   <li>{@link #warmConnection}: the second and later requests over one connected transport
 *       (for SSE: the event stream is open and the POST goes over a kept-alive connection);
 *   <li>{@link #newConnectionPerRequest}: a new transport per request (connect, request; the
 *       close is started but not waited for).
 * </ul>
 * The {@code transport} parameter names a provider; {@link BenchmarkMain} passes only the ones
 * on the class path (a provider named {@code websocket} is measured as soon as it exists).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dio.netty.leakDetection.level=disabled"})
public class TransportLatencyBenchmark {
    private static final long TIMEOUT_SECONDS = 30;

    /** The transport's provider name. */
    @Param({"websocket", "sse"})
    public String transport = "sse";

    private @Nullable BenchmarkServer server;
    private @Nullable TransportProvider provider;
    private @Nullable TransportConfig config;
    private @Nullable AudioTransport warm;
    private long n;

    /** The provider named {@code name}, if one is on the class path. */
    static Optional<TransportProvider> provider(String name) {
        for (TransportProvider p : ServiceLoader.load(TransportProvider.class)) {
            if (p.name().equalsIgnoreCase(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        provider = provider(transport).orElseThrow(() -> new IllegalStateException(
                "transport '" + transport + "' has no provider on the class path: skip it (-p transport=sse)"));
        server = new BenchmarkServer();
        config = TransportConfig.builder().uri(server.uri()).token(BenchmarkServer.TOKEN).build();
        warm = provider.create(config);
        warm.connect().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        request(warm); // the first request opens what the later ones reuse
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (warm != null) {
            warm.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Envelope request(AudioTransport t) throws Exception {
        Envelope e = Envelope.of("conversation:message",
                JsonNodeFactory.instance.objectNode().put("content", "ping " + (n++)));
        return t.send(e).result().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** A request over the warm, already connected transport. */
    @Benchmark
    public Envelope warmConnection() throws Exception {
        return request(warm);
    }

    /** Connect a new transport, then one request. */
    @Benchmark
    public Envelope newConnectionPerRequest() throws Exception {
        AudioTransport t = provider.create(config);
        try {
            t.connect().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return request(t);
        } finally {
            t.closeAsync();
        }
    }
}
