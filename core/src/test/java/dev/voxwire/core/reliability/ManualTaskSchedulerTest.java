package dev.voxwire.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualTaskSchedulerTest {
    private final ManualTaskScheduler scheduler = ManualTaskScheduler.create(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void runsDueTasksInTimeOrderAndTiesInSchedulingOrder() {
        List<String> ran = new ArrayList<>();
        scheduler.schedule(() -> ran.add("c@3"), Duration.ofSeconds(3));
        scheduler.schedule(() -> ran.add("a@1"), Duration.ofSeconds(1));
        scheduler.schedule(() -> ran.add("b@1"), Duration.ofSeconds(1));
        scheduler.schedule(() -> ran.add("d@10"), Duration.ofSeconds(10));

        scheduler.advance(Duration.ofSeconds(5));

        assertThat(ran).containsExactly("a@1", "b@1", "c@3");
        assertThat(scheduler.pendingTasks()).isEqualTo(1);
        assertThat(scheduler.now()).isEqualTo(Instant.parse("2026-01-01T00:00:05Z"));
    }

    @Test
    void clockReadsEachTasksDueTimeWhileItRuns() {
        List<Instant> seen = new ArrayList<>();
        scheduler.schedule(() -> seen.add(scheduler.clock().instant()), Duration.ofMillis(1500));

        scheduler.advance(Duration.ofSeconds(2));

        assertThat(seen).containsExactly(Instant.parse("2026-01-01T00:00:01.500Z"));
        assertThat(scheduler.clock().instant()).isEqualTo(Instant.parse("2026-01-01T00:00:02Z"));
        assertThat(scheduler.clock().millis()).isEqualTo(Instant.parse("2026-01-01T00:00:02Z").toEpochMilli());
    }

    @Test
    void tasksScheduledWhileAdvancingRunIfTheyFallDueInsideTheWindow() {
        List<Instant> ticks = new ArrayList<>();
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            ticks.add(scheduler.now());
            scheduler.schedule(tick[0], Duration.ofSeconds(1));
        };
        scheduler.schedule(tick[0], Duration.ofSeconds(1));

        scheduler.advance(Duration.ofMillis(3500));

        assertThat(ticks).hasSize(3);
        assertThat(scheduler.pendingTasks()).isEqualTo(1);
    }

    @Test
    void cancelledTasksNeverRun() {
        List<String> ran = new ArrayList<>();
        Cancellable c = scheduler.schedule(() -> ran.add("x"), Duration.ofSeconds(1));
        c.cancel();
        c.cancel();

        scheduler.advance(Duration.ofSeconds(2));

        assertThat(ran).isEmpty();
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void zeroDelayTaskRunsOnRunDueTasksNotInline() {
        List<String> ran = new ArrayList<>();
        scheduler.schedule(() -> ran.add("now"), Duration.ZERO);
        assertThat(ran).isEmpty();

        scheduler.runDueTasks();

        assertThat(ran).containsExactly("now");
        assertThat(scheduler.nextDelay()).isEmpty();
    }

    @Test
    void refusesNegativeAdvance() {
        assertThatThrownBy(() -> scheduler.advance(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duration: PT-1S (expected: >= 0)");
    }

    @Test
    void executorBackedSchedulerRunsAndCancels() throws Exception {
        var executor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            TaskScheduler s = TaskScheduler.of(executor);
            var done = new java.util.concurrent.CompletableFuture<String>();
            s.schedule(() -> done.complete("ran"), Duration.ofMillis(1));
            Cancellable never = s.schedule(() -> done.complete("cancelled one ran"), Duration.ofHours(1));
            never.cancel();
            assertThat(done.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("ran");
            assertThat(s.clock()).isNotNull();
        } finally {
            executor.shutdownNow();
        }
    }
}
