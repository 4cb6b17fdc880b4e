package dev.voxwire.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.protocol.EventTypes.Field;
import dev.voxwire.core.protocol.EventTypes.Kind;
import dev.voxwire.core.reliability.RateLimits;
import dev.voxwire.server.auth.JwtIssuer;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Test fixtures: a server on port 0 with test handlers, tokens, event types. */
final class TestServer {
    static final JwtIssuer ISSUER = JwtIssuer.of(ServerConfig.DEFAULT_JWT_SECRET);

    /** Test event types on top of the standard ones. */
    static final EventTypes TYPES = EventTypes.standard().toBuilder()
            .register("test:count", false, Set.of("test:done"), Field.required("n", Kind.INTEGER))
            .register("test:slow", false, Set.of("test:done"))
            .register("test:throw", false, Set.of())
            .register("test:flood", false, Set.of(), Field.required("n", Kind.INTEGER), Field.required("size", Kind.INTEGER))
            .build();

    static String token(String user) {
        return ISSUER.issue(user, Duration.ofHours(1));
    }

    static Map<String, String> bearer(String user) {
        return Map.of("Authorization", "Bearer " + token(user));
    }

    static ServerConfig.Builder config() {
        return ServerConfig.builder().port(0).workerThreads(4)
                .rateLimits(RateLimits.builder().limit("connect", 1_000_000, Duration.ofMinutes(1)).build());
    }

    /** Emits {@code n} {@code test:progress} events from a worker, then {@code test:done}. */
    static final class CountHandler implements EventHandler {
        @Override
        public Set<String> types() {
            return Set.of("test:count");
        }

        @Override
        public void handle(dev.voxwire.core.protocol.Envelope request, RequestContext ctx) {
            int n = request.payload().get("n").asInt();
            ctx.worker().execute(() -> {
                for (int i = 0; i < n; i++) {
                    ObjectNode p = obj();
                    p.put("i", i);
                    ctx.emit("test:progress", p);
                }
                ObjectNode done = obj();
                done.put("count", n);
                ctx.complete("test:done", done);
            });
        }
    }

    /** Blocks its worker until released or cancelled; records cancellations. */
    static final class SlowHandler implements EventHandler {
        final Map<String, CountDownLatch> release = new ConcurrentHashMap<>();
        final Set<String> cancelled = ConcurrentHashMap.newKeySet();
        final AtomicInteger started = new AtomicInteger();

        @Override
        public Set<String> types() {
            return Set.of("test:slow");
        }

        @Override
        public void handle(dev.voxwire.core.protocol.Envelope request, RequestContext ctx) {
            CountDownLatch latch = release.computeIfAbsent(ctx.requestId(), k -> new CountDownLatch(1));
            ctx.onCancel(() -> {
                cancelled.add(ctx.requestId());
                latch.countDown();
            });
            started.incrementAndGet();
            ctx.emit("test:started", obj());
            ctx.worker().execute(() -> {
                try {
                    latch.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ctx.emit("test:progress", obj()); // dropped when cancelled
                ctx.complete("test:done", obj());
            });
        }

        void releaseAll() {
            release.values().forEach(CountDownLatch::countDown);
        }
    }

    /** Throws from handle. */
    static final class ThrowingHandler implements EventHandler {
        @Override
        public Set<String> types() {
            return Set.of("test:throw");
        }

        @Override
        public void handle(dev.voxwire.core.protocol.Envelope request, RequestContext ctx) {
            throw new IllegalStateException("boom");
        }
    }

    /** Floods: alternates user:typing (ephemeral) and big test:data events until the request ends. */
    static final class FloodHandler implements EventHandler {
        @Override
        public Set<String> types() {
            return Set.of("test:flood");
        }

        @Override
        public void handle(dev.voxwire.core.protocol.Envelope request, RequestContext ctx) {
            int n = request.payload().get("n").asInt();
            String blob = "x".repeat(request.payload().get("size").asInt());
            ctx.worker().execute(() -> {
                for (int i = 0; i < n && !ctx.isDone(); i++) {
                    ObjectNode t = obj();
                    t.put("typing", true);
                    ctx.emit("user:typing", t);
                    ObjectNode d = obj();
                    d.put("i", i);
                    d.put("blob", blob);
                    ctx.emit("test:data", d);
                }
            });
        }
    }

    /** A stand-in analyzer for audio:analyze: three progress events, then a result with the byte count. */
    static final class FakeAnalyzer implements EventHandler {
        @Override
        public Set<String> types() {
            return Set.of(EventTypes.AUDIO_ANALYZE);
        }

        @Override
        public void handle(dev.voxwire.core.protocol.Envelope request, RequestContext ctx) {
            byte[] audio = Base64.getDecoder().decode(request.payload().get("data").asText());
            String format = request.payload().path("format").asText("pcm16");
            ctx.worker().execute(() -> {
                for (int i = 1; i <= 3; i++) {
                    ObjectNode p = obj();
                    p.put("stage", "step-" + i);
                    p.put("progress", i / 3.0);
                    ctx.emit(EventTypes.ANALYSIS_PROGRESS, p);
                }
                ObjectNode r = obj();
                r.put("bytes", audio.length);
                r.put("format", format);
                ctx.complete(EventTypes.ANALYSIS_RESULT, r);
            });
        }
    }

    static ObjectNode obj() {
        return dev.voxwire.core.protocol.EnvelopeCodec.mapper().createObjectNode();
    }

    static VoxwireServer.Builder builder(ServerConfig config) {
        return VoxwireServer.builder().config(config).eventTypes(TYPES)
                .handler(new CountHandler()).handler(new ThrowingHandler()).handler(new FakeAnalyzer());
    }

    private TestServer() {
    }
}
