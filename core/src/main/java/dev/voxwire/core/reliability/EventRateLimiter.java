package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** TEMP stub (replaced at merge): sliding-window limiter keyed by (key, type). */
public final class EventRateLimiter {
    private final RateLimits limits;
    private final Clock clock;
    private final Map<String, Deque<Long>> windows = new ConcurrentHashMap<>();

    private EventRateLimiter(RateLimits limits, Clock clock) {
        this.limits = requireNonNull(limits, "limits");
        this.clock = requireNonNull(clock, "clock");
    }

    public static EventRateLimiter create(RateLimits limits, Clock clock) {
        return new EventRateLimiter(limits, clock);
    }

    public static EventRateLimiter create(RateLimits limits) {
        return create(limits, Clock.systemUTC());
    }

    /** Takes one permit of {@code type} for {@code key}. */
    public RateLimitDecision tryAcquire(String key, String type) {
        RateLimits.Limit limit = limits.limit(type).orElse(null);
        if (limit == null) {
            return new RateLimitDecision(true, Duration.ZERO);
        }
        long now = clock.millis();
        long period = limit.period().toMillis();
        Deque<Long> w = windows.computeIfAbsent(key + '\u0000' + type, k -> new ArrayDeque<>());
        synchronized (w) {
            while (!w.isEmpty() && w.peekFirst() <= now - period) {
                w.pollFirst();
            }
            if (w.size() < limit.permits()) {
                w.addLast(now);
                return new RateLimitDecision(true, Duration.ZERO);
            }
            return new RateLimitDecision(false, Duration.ofMillis(Math.max(1, w.peekFirst() + period - now)));
        }
    }
}
