package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Per-key, per-event-type emission limits ({@link RateLimits}) with token buckets: each
 * (key, type) pair has a bucket of {@link RateLimits.Limit#permits()} tokens that refills
 * continuously at {@code permits / period}; an event takes one token, and with none left it is
 * refused with the time until the next token ({@link RateLimitDecision#retryAfter()}). A type
 * without a limit is always allowed, and keeps no state.
 *
 * <p><b>Memory bound.</b> At most {@link RateLimits#maxKeys()} buckets exist at once (about 100
 * bytes each plus the key strings). A bucket that has refilled completely is the same as no
 * bucket, so every call also looks at the 16 least recently used buckets and
 * drops those that are full: an idle key is gone about one period after its last event once
 * traffic goes on. If the cap is reached anyway, the least recently used bucket is evicted,
 * which only makes that key's limit start over with a full bucket.
 *
 * <p>Time comes from the injected {@link Clock} (a {@link ManualTaskScheduler#clock()} in tests);
 * a clock that goes backwards refills nothing. Thread-safe: one lock, held for O(1) work per call,
 * so it is safe on an event loop.
 */
public final class EventRateLimiter {
    /** Least recently used buckets examined (and dropped if full) per call. */
    static final int SWEEP_BATCH = 16;

    private final RateLimits limits;
    private final Clock clock;
    private final LinkedHashMap<BucketKey, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);

    private EventRateLimiter(RateLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** A limiter on the system UTC clock. */
    public static EventRateLimiter create(RateLimits limits) {
        return create(limits, Clock.systemUTC());
    }

    /** A limiter measuring time on {@code clock}. */
    public static EventRateLimiter create(RateLimits limits, Clock clock) {
        return new EventRateLimiter(requireNonNull(limits, "limits"), requireNonNull(clock, "clock"));
    }

    /** The limits. */
    public RateLimits limits() {
        return limits;
    }

    /** Takes one permit for an event of {@code type} from {@code key} (connection, user, address). */
    public RateLimitDecision tryAcquire(String key, String type) {
        requireNonNull(key, "key");
        requireNonNull(type, "type");
        Optional<RateLimits.Limit> limit = limits.limit(type);
        if (limit.isEmpty()) {
            return RateLimitDecision.allow();
        }
        RateLimits.Limit l = limit.get();
        long now = nowNanos();
        synchronized (this) {
            sweep(now);
            BucketKey bk = new BucketKey(key, type);
            Bucket b = buckets.get(bk);
            if (b == null) {
                if (buckets.size() >= limits.maxKeys()) {
                    evictEldest();
                }
                b = new Bucket(l.permits(), now);
                buckets.put(bk, b);
            }
            return b.take(l, now);
        }
    }

    /** Buckets held now (at most {@link RateLimits#maxKeys()}). */
    public synchronized int trackedKeys() {
        return buckets.size();
    }

    /** Drops the full buckets among the {@link #SWEEP_BATCH} least recently used ones. */
    private void sweep(long now) {
        int examined = 0;
        for (Iterator<Map.Entry<BucketKey, Bucket>> it = buckets.entrySet().iterator();
                it.hasNext() && examined < SWEEP_BATCH; examined++) {
            Map.Entry<BucketKey, Bucket> e = it.next();
            Optional<RateLimits.Limit> l = limits.limit(e.getKey().type());
            if (l.isEmpty() || e.getValue().fullAt(l.get(), now)) {
                it.remove();
            }
        }
    }

    private void evictEldest() {
        Iterator<BucketKey> eldest = buckets.keySet().iterator();
        eldest.next();
        eldest.remove();
    }

    private long nowNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public synchronized String toString() {
        return "EventRateLimiter{trackedKeys=" + buckets.size() + ", limits=" + limits + "}";
    }

    private record BucketKey(String key, String type) {
    }

    /** A token bucket. Guarded by the limiter's lock. */
    private static final class Bucket {
        private static final double EPSILON = 1e-9;
        private double tokens;
        private long lastNanos;

        Bucket(int permits, long now) {
            this.tokens = permits;
            this.lastNanos = now;
        }

        private void refill(RateLimits.Limit l, long now) {
            long elapsed = now - lastNanos;
            if (elapsed > 0) {
                tokens = Math.min(l.permits(), tokens + elapsed * (double) l.permits() / l.period().toNanos());
                lastNanos = now;
            }
        }

        RateLimitDecision take(RateLimits.Limit l, long now) {
            refill(l, now);
            if (tokens >= 1.0 - EPSILON) {
                tokens = Math.max(0, tokens - 1.0);
                return RateLimitDecision.allow();
            }
            double missing = 1.0 - tokens;
            long nanos = (long) Math.ceil(missing * l.period().toNanos() / l.permits());
            return RateLimitDecision.refuse(Duration.ofNanos(Math.max(1, nanos)));
        }

        boolean fullAt(RateLimits.Limit l, long now) {
            refill(l, now);
            return tokens >= l.permits() - EPSILON;
        }
    }
}
