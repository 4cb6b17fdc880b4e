package dev.voxwire.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbeatMonitorTest {
    private final ManualTaskScheduler scheduler = ManualTaskScheduler.create();
    private final HeartbeatPolicy policy = HeartbeatPolicy.builder()
            .interval(Duration.ofSeconds(10))
            .pongTimeout(Duration.ofSeconds(3))
            .missedThreshold(2)
            .build();
    private final List<String> events = new ArrayList<>();
    private int pings;
    private final HeartbeatMonitor monitor = HeartbeatMonitor.create(policy, scheduler, () -> pings++,
            new HeartbeatMonitor.Listener() {
                @Override
                public void onMissed(int missed, int threshold) {
                    events.add("missed " + missed + "/" + threshold + " at " + scheduler.now().getEpochSecond() % 3600);
                }

                @Override
                public void onDead() {
                    events.add("dead at " + scheduler.now().getEpochSecond() % 3600);
                }

                @Override
                public void onRoundTrip(Duration roundTrip) {
                    events.add("rtt " + roundTrip.toMillis());
                }
            });

    @Test
    void pingsEveryInterval() {
        monitor.start();
        scheduler.advance(Duration.ofSeconds(9));
        assertThat(pings).isZero();

        scheduler.advance(Duration.ofSeconds(1));
        assertThat(pings).isEqualTo(1);
        monitor.pongReceived();
        scheduler.advance(Duration.ofSeconds(20));

        assertThat(pings).isEqualTo(3);
    }

    @Test
    void detectsAHalfOpenPeerWithinIntervalTimesThresholdPlusPongTimeout() {
        monitor.start();

        scheduler.advance(Duration.ofSeconds(13));
        assertThat(events).containsExactly("missed 1/2 at 13");

        scheduler.advance(Duration.ofSeconds(10));
        assertThat(events).containsExactly("missed 1/2 at 13", "missed 2/2 at 23", "dead at 23");
        assertThat(Duration.ofSeconds(23))
                .isLessThanOrEqualTo(policy.interval().multipliedBy(policy.missedThreshold()).plus(policy.pongTimeout()));
        assertThat(monitor.isRunning()).isFalse();
        assertThat(scheduler.pendingTasks()).as("dead monitor leaves no timer").isZero();

        scheduler.advance(Duration.ofMinutes(5));
        assertThat(pings).isEqualTo(2);
    }

    @Test
    void pongResetsMissesAndRecordsTheRoundTrip() {
        monitor.start();
        scheduler.advance(Duration.ofSeconds(13)); // ping 1 missed
        scheduler.advance(Duration.ofSeconds(7)); // ping 2 at 20
        scheduler.advance(Duration.ofMillis(250));
        monitor.pongReceived();

        assertThat(monitor.missed()).isZero();
        assertThat(monitor.lastRoundTrip()).contains(Duration.ofMillis(250));
        assertThat(events).containsExactly("missed 1/2 at 13", "rtt 250");

        scheduler.advance(Duration.ofSeconds(13)); // ping 3 at 30 missed: count starts again at 1
        assertThat(events).last().isEqualTo("missed 1/2 at 33");
    }

    @Test
    void lastRoundTripIsEmptyBeforeAnyPong() {
        monitor.start();
        assertThat(monitor.lastRoundTrip()).isEmpty();
    }

    @Test
    void stopCancelsEveryTimerAndIsIdempotent() {
        monitor.start();
        scheduler.advance(Duration.ofSeconds(10)); // ping out, timeout pending
        assertThat(scheduler.pendingTasks()).isEqualTo(2);

        monitor.stop();
        monitor.stop();

        assertThat(scheduler.pendingTasks()).isZero();
        scheduler.advance(Duration.ofMinutes(5));
        assertThat(events).isEmpty();
        assertThat(pings).isEqualTo(1);
    }

    @Test
    void canBeStartedAgainAfterDeathWithAFreshCount() {
        monitor.start();
        scheduler.advance(Duration.ofSeconds(23));
        assertThat(events).contains("dead at 23");
        events.clear();

        monitor.start();
        scheduler.advance(Duration.ofSeconds(13));

        assertThat(events).containsExactly("missed 1/2 at 36");
    }

    @Test
    void pongTimeoutEqualToIntervalStillCountsEveryMissOnce() {
        HeartbeatPolicy tight = policy.toBuilder().pongTimeout(Duration.ofSeconds(10)).missedThreshold(3).build();
        HeartbeatMonitor m = HeartbeatMonitor.create(tight, scheduler, () -> pings++, new HeartbeatMonitor.Listener() {
            @Override
            public void onMissed(int missed, int threshold) {
                events.add("missed " + missed);
            }

            @Override
            public void onDead() {
                events.add("dead");
            }
        });
        m.start();
        scheduler.advance(Duration.ofSeconds(40));

        assertThat(events).containsExactly("missed 1", "missed 2", "missed 3", "dead");
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void disabledPolicyStartsNothing() {
        HeartbeatMonitor m = HeartbeatMonitor.create(HeartbeatPolicy.disabled(), scheduler, () -> pings++,
                new HeartbeatMonitor.Listener() { });
        m.start();
        assertThat(m.isRunning()).isFalse();
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void aThrowingPingCountsAsUnansweredAndDoesNotStopTheMonitor() {
        HeartbeatMonitor m = HeartbeatMonitor.create(policy, scheduler, () -> {
            throw new IllegalStateException("channel closed");
        }, new HeartbeatMonitor.Listener() {
            @Override
            public void onMissed(int missed, int threshold) {
                events.add("missed " + missed);
            }
        });
        m.start();
        scheduler.advance(Duration.ofSeconds(13));
        assertThat(events).containsExactly("missed 1");
        assertThat(m.isRunning()).isTrue();
        m.stop();
    }
}
