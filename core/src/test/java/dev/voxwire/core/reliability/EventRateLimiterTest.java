package dev.voxwire.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventRateLimiterTest {
    private final ManualTaskScheduler time = ManualTaskScheduler.create();
    private final EventRateLimiter limiter = EventRateLimiter.create(RateLimits.ofDefaults(), time.clock());

    @Test
    void defaultsMatchTheDocumentedLimits() {
        RateLimits d = RateLimits.ofDefaults();
        assertThat(d.limit("message:send")).contains(RateLimits.Limit.of(60, Duration.ofMinutes(1)));
        assertThat(d.limit("user:typing")).contains(RateLimits.Limit.of(10, Duration.ofMinutes(1)));
        assertThat(d.limit("presence:update")).contains(RateLimits.Limit.of(30, Duration.ofMinutes(1)));
        assertThat(d.limit("connect")).contains(RateLimits.Limit.of(10, Duration.ofMinutes(1)));
        assertThat(d.limit("room:join")).isEmpty();
        assertThat(d.toBuilder().build()).isEqualTo(d);
    }

    @Test
    void allowsExactlyTheLimitThenRefusesWithASensibleRetryAfter() {
        for (int i = 1; i <= 60; i++) {
            assertThat(limiter.tryAcquire("user-1", "message:send").allowed()).as("message %d", i).isTrue();
        }

        RateLimitDecision sixtyFirst = limiter.tryAcquire("user-1", "message:send");

        assertThat(sixtyFirst.allowed()).isFalse();
        assertThat(sixtyFirst.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void refillsContinuouslyAsTimeAdvances() {
        for (int i = 0; i < 60; i++) {
            limiter.tryAcquire("user-1", "message:send");
        }
        time.advance(Duration.ofMillis(400));
        RateLimitDecision early = limiter.tryAcquire("user-1", "message:send");
        assertThat(early.allowed()).isFalse();
        assertThat(early.retryAfter()).isEqualTo(Duration.ofMillis(600));

        time.advance(Duration.ofMillis(600));
        assertThat(limiter.tryAcquire("user-1", "message:send").allowed()).isTrue();
        assertThat(limiter.tryAcquire("user-1", "message:send").allowed()).isFalse();

        time.advance(Duration.ofMinutes(5));
        int allowed = 0;
        while (limiter.tryAcquire("user-1", "message:send").allowed()) {
            allowed++;
        }
        assertThat(allowed).as("a burst never exceeds the capacity").isEqualTo(60);
    }

    @Test
    void keysAndTypesHaveSeparateBuckets() {
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.tryAcquire("user-1", "user:typing").allowed()).isTrue();
        }
        assertThat(limiter.tryAcquire("user-1", "user:typing").allowed()).isFalse();

        assertThat(limiter.tryAcquire("user-2", "user:typing").allowed()).isTrue();
        assertThat(limiter.tryAcquire("user-1", "message:send").allowed()).isTrue();
    }

    @Test
    void typesWithoutALimitAreAlwaysAllowedAndKeepNoState() {
        for (int i = 0; i < 1_000; i++) {
            RateLimitDecision d = limiter.tryAcquire("user-1", "room:join");
            assertThat(d.allowed()).isTrue();
            assertThat(d.retryAfter()).isZero();
        }
        assertThat(limiter.trackedKeys()).isZero();
    }

    @Test
    void neverKeepsMoreBucketsThanMaxKeys() {
        EventRateLimiter small = EventRateLimiter.create(RateLimits.ofDefaults().toBuilder().maxKeys(100).build(),
                time.clock());
        for (int i = 0; i < 10_000; i++) {
            small.tryAcquire("user-" + i, "message:send");
            assertThat(small.trackedKeys()).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void idleKeysAreEvictedOnceTheirBucketIsFullAgain() {
        for (int i = 0; i < 500; i++) {
            limiter.tryAcquire("user-" + i, "message:send");
        }
        assertThat(limiter.trackedKeys()).isEqualTo(500);

        time.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 500 / EventRateLimiter.SWEEP_BATCH + 1; i++) {
            limiter.tryAcquire("active", "message:send");
        }

        assertThat(limiter.trackedKeys()).isEqualTo(1);
    }

    @Test
    void evictionDoesNotForgetABusyKey() {
        EventRateLimiter small = EventRateLimiter.create(RateLimits.builder()
                .limit("message:send", 5, Duration.ofMinutes(1)).maxKeys(10).build(), time.clock());
        for (int i = 0; i < 5; i++) {
            small.tryAcquire("busy", "message:send");
        }
        time.advance(Duration.ofSeconds(2)); // the sweep looks at "busy": far from full, it stays
        small.tryAcquire("other", "message:send");

        assertThat(small.tryAcquire("busy", "message:send").allowed()).isFalse();
    }

    @Test
    void concurrentCallersNeverGetMoreThanTheLimit() throws Exception {
        java.util.concurrent.atomic.AtomicInteger allowed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 100; i++) {
                        if (limiter.tryAcquire("shared", "message:send").allowed()) {
                            allowed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var f : futures) {
                f.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(allowed.get()).isEqualTo(60);
    }

    @Test
    void limitsRejectBadValues() {
        assertThatThrownBy(() -> RateLimits.builder().limit("x", 0, Duration.ofMinutes(1)))
                .hasMessage("permits: 0 (expected: > 0)");
        assertThatThrownBy(() -> RateLimits.builder().limit("x", 1, Duration.ZERO))
                .hasMessage("period: PT0S (expected: > 0)");
        assertThatThrownBy(() -> RateLimits.builder().maxKeys(0)).hasMessage("maxKeys: 0 (expected: > 0)");
    }

    @Test
    void unlimitedRemovesALimit() {
        RateLimits limits = RateLimits.ofDefaults().toBuilder().unlimited("user:typing").build();
        assertThat(limits.limit("user:typing")).isEmpty();
        assertThat(limits.limit("message:send")).isPresent();
    }
}
