package dev.voxwire.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialContextTest {

    @Test
    void aTaskSubmittedFromATaskRunsAfterItInsteadOfInside() {
        SerialContext serial = SerialContext.create(null, "test");
        List<String> order = new ArrayList<>();
        serial.execute(() -> {
            order.add("a-start");
            serial.execute(() -> order.add("b"));
            assertThat(serial.inContext()).isTrue();
            order.add("a-end");
        });
        assertThat(order).containsExactly("a-start", "a-end", "b");
        assertThat(serial.inContext()).isFalse();
    }

    @Test
    void aMillionChainedTasksUseConstantStack() {
        SerialContext serial = SerialContext.create(null, "test");
        AtomicInteger n = new AtomicInteger();
        Runnable[] step = new Runnable[1];
        step[0] = () -> {
            if (n.incrementAndGet() < 1_000_000) {
                serial.execute(step[0]);
            }
        };
        serial.execute(step[0]);
        assertThat(n.get()).isEqualTo(1_000_000);
    }

    @Test
    void aFailingTaskDoesNotStopTheOthers() {
        SerialContext serial = SerialContext.create(null, "test");
        List<String> ran = new ArrayList<>();
        serial.execute(() -> {
            serial.execute(() -> {
                throw new IllegalStateException("boom");
            });
            serial.execute(() -> ran.add("after"));
        });
        assertThat(ran).containsExactly("after");
    }

    @Test
    void withAnExecutorTasksRunThereInOrderOneAtATime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            SerialContext serial = SerialContext.create(pool, "test");
            int total = 10_000;
            List<Integer> seen = new ArrayList<>();
            AtomicInteger concurrent = new AtomicInteger();
            AtomicInteger maxConcurrent = new AtomicInteger();
            CompletableFuture<Void> done = new CompletableFuture<>();
            for (int i = 0; i < total; i++) {
                int v = i;
                serial.execute(() -> {
                    maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                    seen.add(v);
                    concurrent.decrementAndGet();
                    if (v == total - 1) {
                        done.complete(null);
                    }
                });
            }
            done.get(10, TimeUnit.SECONDS);
            assertThat(maxConcurrent.get()).isEqualTo(1);
            assertThat(seen).hasSize(total).isSorted();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRejectingExecutorFallsBackToTheCallingThread() {
        SerialContext serial = SerialContext.create(r -> {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        }, "test");
        List<String> ran = new ArrayList<>();
        serial.execute(() -> ran.add("ran"));
        assertThat(ran).containsExactly("ran");
    }
}
