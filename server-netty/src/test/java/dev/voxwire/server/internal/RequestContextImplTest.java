package dev.voxwire.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.server.Principal;
import dev.voxwire.server.ServerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Request semantics on an EmbeddedChannel: deterministic, no sockets. */
class RequestContextImplTest {
    private final ServerRuntime rt = new ServerRuntime(ServerConfig.builder().workerThreads(1).workerQueueSize(1).build(),
            EventTypes.standard(), List.of(), new SimpleMeterRegistry(), t -> Principal.of("u"), Clock.systemUTC());
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final WsSession session = new WsSession(rt, channel, "s1", "u", null, "/ws", null);

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
        rt.workerPool().shutdownNow();
    }

    private static ObjectNode obj() {
        return EnvelopeCodec.mapper().createObjectNode();
    }

    private List<JsonNode> written() throws Exception {
        channel.runPendingTasks();
        List<JsonNode> out = new ArrayList<>();
        Object o;
        while ((o = channel.readOutbound()) != null) {
            TextWebSocketFrame f = (TextWebSocketFrame) o;
            try {
                out.add(EnvelopeCodec.mapper().readTree(f.text()));
            } finally {
                f.release();
            }
        }
        return out;
    }

    private RequestContextImpl request(String id) {
        return new RequestContextImpl(session, id, "audio:analyze", rt.workerPool());
    }

    @Test
    void everyEventCarriesTheRequestIdAndNothingFollowsTheFinalEvent() throws Exception {
        RequestContextImpl ctx = request("r1");
        ObjectNode p = obj();
        p.put("step", 1);
        ctx.emit("analysis:progress", p);
        ctx.complete("analysis:result", obj());
        ctx.emit("analysis:progress", obj());
        ctx.fail(ErrorCode.SERVER_ERROR, "late");
        ctx.complete("analysis:result", obj());
        List<JsonNode> events = written();
        assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("analysis:progress", "analysis:result");
        assertThat(events).allSatisfy(e -> assertThat(e.path("payload").path("requestId").asText()).isEqualTo("r1"));
        assertThat(p.has("requestId")).as("the handler's payload is not modified").isFalse();
        assertThat(ctx.isDone()).isTrue();
        assertThat(ctx.isCancelled()).isFalse();
    }

    @Test
    void cancelSendsOneCancelledRunsActionsOnceAndLateActionsRunAtOnce() throws Exception {
        RequestContextImpl ctx = request("r2");
        AtomicInteger runs = new AtomicInteger();
        ctx.onCancel(runs::incrementAndGet);
        assertThat(ctx.cancel(true)).isTrue();
        assertThat(ctx.cancel(true)).isFalse();
        ctx.emit("analysis:progress", obj());
        ctx.complete("analysis:result", obj());
        ctx.onCancel(runs::incrementAndGet);
        assertThat(runs).hasValue(2);
        List<JsonNode> events = written();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.path("type").asText()).isEqualTo("request:cancelled");
            assertThat(e.path("payload").path("requestId").asText()).isEqualTo("r2");
        });
        assertThat(ctx.isCancelled()).isTrue();
    }

    @Test
    void completedRequestIsNeverCancelled() throws Exception {
        RequestContextImpl ctx = request("r3");
        AtomicInteger runs = new AtomicInteger();
        ctx.onCancel(runs::incrementAndGet);
        ctx.complete("analysis:result", obj());
        assertThat(ctx.cancel(true)).isFalse();
        ctx.onCancel(runs::incrementAndGet);
        assertThat(runs).hasValue(0);
        assertThat(written()).extracting(e -> e.path("type").asText()).containsExactly("analysis:result");
    }

    @Test
    void failSendsAnErrorWithCodeRetryAndRequestId() throws Exception {
        RequestContextImpl ctx = request("r4");
        ctx.fail(ErrorCode.ENGINE_ERROR, "the engine is down");
        JsonNode e = written().get(0);
        assertThat(e.path("type").asText()).isEqualTo("error");
        assertThat(e.path("payload").path("code").asText()).isEqualTo("ENGINE_ERROR");
        assertThat(e.path("payload").path("message").asText()).isEqualTo("the engine is down");
        assertThat(e.path("payload").path("retrySuggested").asBoolean()).isTrue();
        assertThat(e.path("payload").path("requestId").asText()).isEqualTo("r4");
    }

    @Test
    void closedSessionCancelsItsRequestsSilently() throws Exception {
        java.util.concurrent.atomic.AtomicReference<dev.voxwire.server.RequestContext> seen =
                new java.util.concurrent.atomic.AtomicReference<>();
        dev.voxwire.server.EventHandler capture = new dev.voxwire.server.EventHandler() {
            @Override
            public java.util.Set<String> types() {
                return java.util.Set.of("audio:analyze");
            }

            @Override
            public void handle(dev.voxwire.core.protocol.Envelope request, dev.voxwire.server.RequestContext ctx) {
                seen.set(ctx);
            }
        };
        ServerRuntime rt2 = new ServerRuntime(ServerConfig.ofDefaults(), EventTypes.standard(), List.of(capture),
                new SimpleMeterRegistry(), t -> Principal.of("u"), Clock.systemUTC());
        EmbeddedChannel ch = new EmbeddedChannel();
        WsSession s = new WsSession(rt2, ch, "s2", "u", null, "/ws", null);
        try {
            s.receive("{\"type\":\"audio:analyze\",\"id\":\"r5\",\"payload\":{\"data\":\"AAAA\"}}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            dev.voxwire.server.RequestContext ctx = seen.get();
            assertThat(ctx.requestId()).isEqualTo("r5");
            AtomicInteger runs = new AtomicInteger();
            ctx.onCancel(runs::incrementAndGet);
            s.closed("test");
            assertThat(ctx.isCancelled()).isTrue();
            assertThat(runs).hasValue(1);
            ctx.complete("analysis:result", obj());
            assertThat(s.send(dev.voxwire.core.protocol.Envelope.of("test:x"))).isFalse();
            ch.runPendingTasks();
            assertThat((Object) ch.readOutbound()).isNull();
            assertThat(s.inFlight()).isZero();
        } finally {
            ch.finishAndReleaseAll();
            rt2.workerPool().shutdownNow();
        }
    }
}
