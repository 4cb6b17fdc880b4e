package dev.voxwire.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.voxwire.core.protocol.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventDispatcherTest {
    private static final int DEPTH = 100_000;

    private static TransportEvent.Message msg(String text) {
        return new TransportEvent.Message(Envelope.of("message:new",
                JsonNodeFactory.instance.objectNode().put("content", text)), null);
    }

    private static TransportEvent.Progress progress(String requestId, int n) {
        return new TransportEvent.Progress(requestId, Envelope.of("analysis:progress",
                JsonNodeFactory.instance.objectNode().put("n", n)));
    }

    @Test
    void aListenerRedispatchingFromItsCallback100000TimesDeepCompletesInOrderWithoutStackOverflow() {
        EventDispatcher d = EventDispatcher.create("test");
        List<Integer> seen = new ArrayList<>(DEPTH);
        AtomicInteger maxDepth = new AtomicInteger();
        AtomicInteger depth = new AtomicInteger();
        d.addListener(e -> {
            int now = depth.incrementAndGet();
            maxDepth.accumulateAndGet(now, Math::max);
            try {
                int n = ((TransportEvent.Progress) e).envelope().payload().get("n").asInt();
                seen.add(n);
                if (n + 1 < DEPTH) {
                    d.dispatch(progress("r", n + 1));
                }
            } finally {
                depth.decrementAndGet();
            }
        });

        d.dispatch(progress("r", 0));

        assertThat(seen).hasSize(DEPTH);
        for (int i = 0; i < DEPTH; i++) {
            if (seen.get(i) != i) {
                throw new AssertionError("event " + i + " delivered as " + seen.get(i));
            }
        }
        assertThat(maxDepth.get()).as("listener never re-entered").isEqualTo(1);
    }

    @Test
    void aSend100000TimesDeepFromInsideOnEventDoesNotOverflow() {
        FakeTransport transport = new FakeTransport("echo", null);
        AtomicInteger results = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        transport.onEvent(e -> {
            if (e instanceof TransportEvent.Result r) {
                int n = results.incrementAndGet();
                if (n < DEPTH) {
                    try {
                        transport.send("message:send", JsonNodeFactory.instance.objectNode().put("n", n));
                    } catch (Throwable t) {
                        failures.add(t);
                        throw t;
                    }
                }
            }
        });

        transport.send("message:send", JsonNodeFactory.instance.objectNode().put("n", 0));

        assertThat(failures).isEmpty();
        assertThat(results.get()).isEqualTo(DEPTH);
        assertThat(transport.sent).hasSize(DEPTH);
        assertThat(transport.sent.get(DEPTH - 1).payload().get("n").asInt()).isEqualTo(DEPTH - 1);
    }

    @Test
    void aThrowingListenerNeverStopsDeliveryToOthersOrLaterEvents() {
        EventDispatcher d = EventDispatcher.create("test");
        List<TransportEvent> before = new ArrayList<>();
        List<TransportEvent> after = new ArrayList<>();
        d.addListener(before::add);
        d.addListener(e -> {
            throw new IllegalStateException("boom");
        });
        d.addListener(e -> {
            throw new StackOverflowError("deep");
        });
        d.addListener(after::add);
        TransportEvent a = msg("a");
        TransportEvent b = msg("b");

        d.dispatch(a);
        d.dispatch(b);

        assertThat(before).containsExactly(a, b);
        assertThat(after).containsExactly(a, b);
    }

    @Test
    void aThrowingRequestListenerDoesNotStopOtherRequestListeners() {
        EventDispatcher d = EventDispatcher.create("test");
        List<TransportEvent> got = new ArrayList<>();
        d.addRequestListener("r1", e -> {
            throw new IllegalArgumentException("boom");
        });
        d.addRequestListener("r1", got::add);
        TransportEvent p = progress("r1", 1);

        d.dispatch(p);

        assertThat(got).containsExactly(p);
    }

    @Test
    void orderIsKeptPerProducerWithSeveralProducerThreads() throws Exception {
        EventDispatcher d = EventDispatcher.create("test");
        int producers = 4;
        int perProducer = 5_000;
        Map<String, List<Integer>> byProducer = new ConcurrentHashMap<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        d.addListener(e -> {
            if (concurrent.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            TransportEvent.Progress p = (TransportEvent.Progress) e;
            byProducer.computeIfAbsent(p.requestId(), k -> new ArrayList<>())
                    .add(p.envelope().payload().get("n").asInt());
            concurrent.decrementAndGet();
        });
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                String id = "p" + p;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perProducer; i++) {
                        d.dispatch(progress(id, i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlaps.get()).as("one event at a time").isZero();
        assertThat(byProducer).hasSize(producers);
        for (List<Integer> seq : byProducer.values()) {
            assertThat(seq).hasSize(perProducer);
            for (int i = 0; i < perProducer; i++) {
                assertThat(seq.get(i)).isEqualTo(i);
            }
        }
    }

    @Test
    void nothingIsDeliveredAfterClosed() {
        EventDispatcher d = EventDispatcher.create("test");
        List<TransportEvent> got = new ArrayList<>();
        List<TransportEvent> perRequest = new ArrayList<>();
        d.addListener(got::add);
        d.addRequestListener("r1", perRequest::add);
        TransportEvent closed = new TransportEvent.Closed(null, "bye");

        d.dispatch(closed);
        d.dispatch(msg("late"));
        d.dispatch(progress("r1", 1));

        assertThat(got).containsExactly(closed);
        assertThat(perRequest).isEmpty();
        assertThat(d.requestListenerCount()).isZero();
    }

    @Test
    void requestListenersGetOnlyTheirRequestsEventsAfterTransportWideListeners() {
        EventDispatcher d = EventDispatcher.create("test");
        List<String> order = new ArrayList<>();
        List<TransportEvent> r1 = new ArrayList<>();
        List<TransportEvent> r2 = new ArrayList<>();
        d.addRequestListener("r1", e -> {
            r1.add(e);
            order.add("r1");
        });
        d.addRequestListener("r2", r2::add);
        d.addListener(e -> order.add("all"));
        TransportEvent p1 = progress("r1", 1);
        TransportEvent result1 = new TransportEvent.Result("r1", Envelope.of("analysis:result"));
        TransportEvent error2 = new TransportEvent.Error(ErrorCode.SERVER_ERROR, "x", "r2", true, null);
        TransportEvent pushed = msg("hi");
        TransportEvent info1 = new TransportEvent.Message(Envelope.of("conversation:processing"), "r1");

        d.dispatch(p1);
        d.dispatch(error2);
        d.dispatch(pushed);
        d.dispatch(result1);
        d.dispatch(info1);

        assertThat(r1).containsExactly(p1, result1, info1);
        assertThat(r2).containsExactly(error2);
        assertThat(order.subList(0, 2)).containsExactly("all", "r1");
    }

    @Test
    void unsubscribingAndRemovingRequestListenersStopsDelivery() {
        EventDispatcher d = EventDispatcher.create("test");
        List<TransportEvent> all = new ArrayList<>();
        List<TransportEvent> r1 = new ArrayList<>();
        Subscription s = d.addListener(all::add);
        Subscription rs = d.addRequestListener("r1", r1::add);
        assertThat(d.listenerCount()).isEqualTo(1);
        assertThat(d.requestListenerCount()).isEqualTo(1);

        s.cancel();
        s.cancel();
        rs.close();
        d.dispatch(progress("r1", 1));

        assertThat(all).isEmpty();
        assertThat(r1).isEmpty();
        assertThat(d.requestListenerCount()).isZero();

        d.addRequestListener("r2", r1::add);
        d.removeRequestListeners("r2");
        d.dispatch(progress("r2", 1));
        assertThat(r1).isEmpty();
    }

    @Test
    void requestIdOfNamesTheRequestOfEachEventKind() {
        assertThat(EventDispatcher.requestIdOf(progress("a", 1))).isEqualTo("a");
        assertThat(EventDispatcher.requestIdOf(new TransportEvent.Result("b", Envelope.of("x:y")))).isEqualTo("b");
        assertThat(EventDispatcher.requestIdOf(new TransportEvent.Error(ErrorCode.NETWORK, "m", "c", true, null)))
                .isEqualTo("c");
        assertThat(EventDispatcher.requestIdOf(new TransportEvent.Message(Envelope.of("x:y"), "d"))).isEqualTo("d");
        assertThat(EventDispatcher.requestIdOf(new TransportEvent.Closed(null, "r"))).isNull();
        assertThat(EventDispatcher.requestIdOf(new TransportEvent.Reconnected(1, true, 0))).isNull();
    }
}
