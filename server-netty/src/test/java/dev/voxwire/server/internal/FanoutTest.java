package dev.voxwire.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.auth.StaticTokenAuthenticator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fan-out to a 10,000-member room: serialized once, per-session seq, each session served on its own loop. */
class FanoutTest {
    private static final int MEMBERS = 10_000;
    private final DefaultEventLoopGroup loops = new DefaultEventLoopGroup(4);
    private final ServerRuntime rt = new ServerRuntime(ServerConfig.builder().port(0).maxConnectionsPerUser(MEMBERS).build(),
            EventTypes.standard(), List.of(), new SimpleMeterRegistry(),
            StaticTokenAuthenticator.of("t", "u"), Clock.systemUTC());

    /** A session without a socket: records what it stamps, and on which thread. */
    static final class InProcessSession extends AbstractSession {
        final ConcurrentLinkedQueue<Stamped> stamped = new ConcurrentLinkedQueue<>();
        volatile boolean stampedOnOwnLoop = true;

        InProcessSession(ServerRuntime rt, String id, EventLoop loop) {
            super(rt, id, "u", null, "/test", null, loop);
        }

        @Override
        public String transport() {
            return "websocket";
        }

        @Override
        protected @Nullable Channel channel() {
            return null;
        }

        @Override
        protected void write(Channel ch, Envelope stamped) {
            throw new AssertionError("no channel");
        }

        @Override
        protected void writeEnd(int code, String reason) {
            closed(reason);
        }

        @Override
        protected void stampedWire(Stamped s) {
            stampedOnOwnLoop &= loop.inEventLoop();
            stamped.add(s);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AbstractSession s : rt.manager().all()) {
            s.closed("test over");
        }
        rt.workerPool().shutdownNow();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void aTenThousandMemberRoomGetsOneSharedBodyWithPerSessionSeqOnEachSessionsOwnLoop() {
        List<InProcessSession> sessions = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            InProcessSession s = new InProcessSession(rt, "s" + i, loops.next());
            assertThat(rt.manager().tryAdd(s)).isTrue();
            sessions.add(s);
            ids.add(s.sessionId());
        }
        // a few sessions already had events: their seq goes on from there
        for (int i = 0; i < MEMBERS; i += 1000) {
            sessions.get(i).send(Envelope.of("test:before"));
        }
        await().until(() -> sessions.get(0).stamped.size() == 1);

        ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
        p.put("content", "hello ten thousand");
        String caller = Thread.currentThread().getName();
        int reached = rt.manager().deliver(ids, Envelope.of(EventTypes.MESSAGE_NEW, p).withRoom("channel:big"));
        assertThat(reached).isEqualTo(MEMBERS);

        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> sessions.stream()
                .allMatch(s -> s.stamped.stream().anyMatch(x -> x.envelope().type().equals(EventTypes.MESSAGE_NEW))));
        Map<SharedEvent, Boolean> bodies = new IdentityHashMap<>();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < MEMBERS; i++) {
            InProcessSession s = sessions.get(i);
            assertThat(s.stampedOnOwnLoop).isTrue();
            List<AbstractSession.Stamped> mine = new ArrayList<>(s.stamped);
            AbstractSession.Stamped last = mine.get(mine.size() - 1);
            assertThat(last.envelope().type()).isEqualTo(EventTypes.MESSAGE_NEW);
            assertThat(last.seq()).isEqualTo(i % 1000 == 0 ? 2 : 1);
            assertThat(last.envelope().seq()).isEqualTo(last.seq());
            assertThat(last.shared()).isNotNull();
            bodies.put(last.shared(), true);
        }
        assertThat(bodies).as("serialized once for every member").hasSize(1);
        SharedEvent shared = bodies.keySet().iterator().next();
        assertThat(new String(shared.json(), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("{\"type\":\"message:new\"").doesNotContain("\"seq\"").contains("\"room\":\"channel:big\"");
        for (InProcessSession s : sessions) {
            threads.add(threadOf(s.loop));
        }
        assertThat(threads).as("the work is spread over the sessions' own loops").hasSize(4);
        assertThat(threads).extracting(Thread::getName).doesNotContain(caller);
    }

    private static Thread threadOf(EventLoop loop) {
        Thread[] t = new Thread[1];
        try {
            loop.submit(() -> t[0] = Thread.currentThread()).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return t[0];
    }

    @Test
    void theWireFormOfASharedEventIsTheEnvelopeWithTheSessionsSeq() throws Exception {
        ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
        p.put("content", "x");
        SharedEvent se = SharedEvent.encode(rt.codec(), Envelope.of(EventTypes.MESSAGE_NEW, p)
                .withRoom("channel:a").withTs(java.time.Instant.parse("2026-01-01T00:00:00Z")));
        byte[] prefix = "{\"seq\":42,".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String wire = new String(prefix, java.nio.charset.StandardCharsets.UTF_8)
                + new String(se.json(), 1, se.json().length - 1, java.nio.charset.StandardCharsets.UTF_8);
        Envelope back = EnvelopeCodec.lenient().decode(wire);
        assertThat(back.seq()).isEqualTo(42);
        assertThat(back.room()).isEqualTo("channel:a");
        assertThat(back.payload().path("content").asText()).isEqualTo("x");
    }
}
