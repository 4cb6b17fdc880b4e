package dev.voxwire.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.reliability.OutboundQueue.Offer;
import dev.voxwire.core.reliability.OutboundQueue.Outcome;
import dev.voxwire.core.reliability.OutboundQueueConfig.OverflowPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

    private static OutboundQueue<String> queue(int maxMessages, long maxBytes, OverflowPolicy overflow) {
        return OutboundQueue.create(OutboundQueueConfig.builder()
                .maxMessages(maxMessages).maxBytes(maxBytes).overflow(overflow).build());
    }

    @Test
    void pollsHighestPriorityFirstAndFifoWithinAPriority() {
        OutboundQueue<String> q = queue(100, 10_000, OverflowPolicy.REJECT);
        q.offer("typing1", Priority.EPHEMERAL, 1);
        q.offer("msg1", Priority.MESSAGE, 1);
        q.offer("audio1", Priority.AUDIO, 1);
        q.offer("msg2", Priority.MESSAGE, 1);
        q.offer("ping", Priority.CONTROL, 1);
        q.offer("audio2", Priority.AUDIO, 1);

        assertThat(q.peek()).isEqualTo("ping");
        List<String> order = new ArrayList<>();
        for (String s; (s = q.poll()) != null; ) {
            order.add(s);
        }

        assertThat(order).containsExactly("ping", "audio1", "audio2", "msg1", "msg2", "typing1");
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.bytes()).isZero();
        assertThat(q.peek()).isNull();
    }

    @Test
    void drainReturnsEverythingInPollOrderAndEmptiesTheQueue() {
        OutboundQueue<String> q = queue(100, 10_000, OverflowPolicy.REJECT);
        q.offer("m", Priority.MESSAGE, 5);
        q.offer("c", Priority.CONTROL, 5);
        q.offer("e", Priority.EPHEMERAL, 5);

        assertThat(q.drain()).containsExactly("c", "m", "e");
        assertThat(q.size()).isZero();
        assertThat(q.bytes()).isZero();
    }

    @Test
    void rejectPolicyRefusesWithQueueFullNamingTheLimits() {
        OutboundQueue<String> q = queue(2, 10_000, OverflowPolicy.REJECT);
        assertThat(q.offer("a", Priority.MESSAGE, 10).outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(q.offer("b", Priority.EPHEMERAL, 10).accepted()).isTrue();

        Offer<String> third = q.offer("c", Priority.CONTROL, 10);

        assertThat(third.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(third.accepted()).isFalse();
        assertThat(third.dropped()).isEmpty();
        assertThat(third.error()).isNotNull();
        assertThat(third.error().code()).isEqualTo(ErrorCode.QUEUE_FULL);
        assertThat(third.error().getMessage())
                .contains("2/2 messages").contains("20/10000 bytes").contains("REJECT");
        assertThat(q.size()).isEqualTo(2);
    }

    @Test
    void rejectPolicyAlsoHoldsTheByteBound() {
        OutboundQueue<String> q = queue(100, 100, OverflowPolicy.REJECT);
        assertThat(q.offer("a", Priority.MESSAGE, 60).accepted()).isTrue();

        Offer<String> b = q.offer("b", Priority.MESSAGE, 41);

        assertThat(b.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(b.error().code()).isEqualTo(ErrorCode.QUEUE_FULL);
        assertThat(q.offer("c", Priority.MESSAGE, 40).accepted()).as("exactly at the byte bound").isTrue();
        assertThat(q.bytes()).isEqualTo(100);
    }

    @Test
    void dropOldestEphemeralMakesRoomAndReturnsTheDroppedItemsOldestFirst() {
        OutboundQueue<String> q = queue(3, 10_000, OverflowPolicy.DROP_OLDEST_EPHEMERAL);
        q.offer("typing1", Priority.EPHEMERAL, 1);
        q.offer("msg1", Priority.MESSAGE, 1);
        q.offer("typing2", Priority.EPHEMERAL, 1);

        Offer<String> offer = q.offer("msg2", Priority.MESSAGE, 1);

        assertThat(offer.outcome()).isEqualTo(Outcome.ACCEPTED_AFTER_DROPPING);
        assertThat(offer.dropped()).containsExactly("typing1");
        assertThat(offer.error()).isNull();
        assertThat(q.drain()).containsExactly("msg1", "msg2", "typing2");
    }

    @Test
    void dropOldestEphemeralDropsAsManyAsTheBytesNeed() {
        OutboundQueue<String> q = queue(100, 100, OverflowPolicy.DROP_OLDEST_EPHEMERAL);
        q.offer("t1", Priority.EPHEMERAL, 30);
        q.offer("t2", Priority.EPHEMERAL, 30);
        q.offer("t3", Priority.EPHEMERAL, 30);

        Offer<String> offer = q.offer("audio", Priority.AUDIO, 60);

        assertThat(offer.dropped()).containsExactly("t1", "t2");
        assertThat(q.bytes()).isEqualTo(90);
        assertThat(q.size()).isEqualTo(2);
    }

    @Test
    void dropOldestEphemeralRejectsWithoutDroppingWhenDroppingCannotMakeRoom() {
        OutboundQueue<String> q = queue(100, 100, OverflowPolicy.DROP_OLDEST_EPHEMERAL);
        q.offer("m1", Priority.MESSAGE, 50);
        q.offer("t1", Priority.EPHEMERAL, 20);

        Offer<String> offer = q.offer("m2", Priority.MESSAGE, 60);

        assertThat(offer.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(offer.error().code()).isEqualTo(ErrorCode.QUEUE_FULL);
        assertThat(offer.dropped()).isEmpty();
        assertThat(q.drain()).containsExactly("m1", "t1");
    }

    @Test
    void dropOldestEphemeralWithNoEphemeralItemsRejects() {
        OutboundQueue<String> q = queue(1, 100, OverflowPolicy.DROP_OLDEST_EPHEMERAL);
        q.offer("m1", Priority.MESSAGE, 1);

        assertThat(q.offer("t", Priority.EPHEMERAL, 1).error().code()).isEqualTo(ErrorCode.QUEUE_FULL);
    }

    @Test
    void aNewEphemeralItemReplacesTheOldestEphemeralOne() {
        OutboundQueue<String> q = queue(2, 100, OverflowPolicy.DROP_OLDEST_EPHEMERAL);
        q.offer("m", Priority.MESSAGE, 1);
        q.offer("typing-old", Priority.EPHEMERAL, 1);

        Offer<String> offer = q.offer("typing-new", Priority.EPHEMERAL, 1);

        assertThat(offer.dropped()).containsExactly("typing-old");
        assertThat(q.drain()).containsExactly("m", "typing-new");
    }

    @Test
    void anItemLargerThanTheWholeQueueIsPayloadTooLargeUnderEveryPolicy() {
        for (OverflowPolicy p : OverflowPolicy.values()) {
            OutboundQueue<String> q = queue(10, 100, p);
            q.offer("t", Priority.EPHEMERAL, 1);

            Offer<String> offer = q.offer("huge", Priority.AUDIO, 101);

            assertThat(offer.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(offer.error().code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
            assertThat(offer.error().getMessage()).contains("101 bytes").contains("100 bytes");
            assertThat(q.size()).as("nothing dropped for it").isEqualTo(1);
        }
    }

    @Test
    void refusesNegativeSizesAndNulls() {
        OutboundQueue<String> q = queue(10, 100, OverflowPolicy.REJECT);
        assertThatThrownBy(() -> q.offer("x", Priority.MESSAGE, -1)).hasMessage("bytes: -1 (expected: >= 0)");
        assertThatThrownBy(() -> q.offer(null, Priority.MESSAGE, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void sizeByPriority() {
        OutboundQueue<String> q = queue(10, 100, OverflowPolicy.REJECT);
        q.offer("a", Priority.AUDIO, 1);
        q.offer("b", Priority.AUDIO, 1);
        q.offer("c", Priority.CONTROL, 1);
        assertThat(q.size(Priority.AUDIO)).isEqualTo(2);
        assertThat(q.size(Priority.EPHEMERAL)).isZero();
    }

    @Test
    void neverExceedsItsBoundsUnderConcurrentProducersAndConsumers() throws Exception {
        int maxMessages = 50;
        long maxBytes = 2_000;
        OutboundQueue<Integer> q = OutboundQueue.create(OutboundQueueConfig.builder()
                .maxMessages(maxMessages).maxBytes(maxBytes).overflow(OverflowPolicy.DROP_OLDEST_EPHEMERAL).build());
        int producers = 4;
        int perProducer = 5_000;
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger dropped = new AtomicInteger();
        AtomicInteger polled = new AtomicInteger();
        AtomicInteger boundViolations = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(producers + 1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int seed = p;
                futures.add(pool.submit(() -> {
                    start.await();
                    Priority[] priorities = Priority.values();
                    for (int i = 0; i < perProducer; i++) {
                        Offer<Integer> o = q.offer(i, priorities[(i + seed) % priorities.length], 1 + (i % 80));
                        if (o.accepted()) {
                            accepted.incrementAndGet();
                        }
                        dropped.addAndGet(o.dropped().size());
                        if (q.size() > maxMessages || q.bytes() > maxBytes) {
                            boundViolations.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            Future<?> consumer = pool.submit(() -> {
                start.await();
                for (int i = 0; i < producers * perProducer / 2; i++) {
                    if (q.poll() != null) {
                        polled.incrementAndGet();
                    }
                }
                return null;
            });
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
            consumer.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThat(boundViolations.get()).isZero();
        int left = q.drain().size();
        assertThat(accepted.get()).isEqualTo(polled.get() + dropped.get() + left);
        assertThat(q.bytes()).isZero();
    }
}
