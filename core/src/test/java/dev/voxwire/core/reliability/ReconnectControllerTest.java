package dev.voxwire.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class ReconnectControllerTest {
    private final ManualTaskScheduler scheduler = ManualTaskScheduler.create();
    private final ReconnectPolicy policy = ReconnectPolicy.builder()
            .minDelay(Duration.ofSeconds(1))
            .maxDelay(Duration.ofSeconds(8))
            .maxAttempts(4)
            .stablePeriod(Duration.ofSeconds(30))
            .build();
    private final List<String> events = new ArrayList<>();
    private final List<Duration> delays = new ArrayList<>();
    /** Outcomes of the next attempts; empty means "never completes". */
    private final Deque<CompletableFuture<Void>> outcomes = new ArrayDeque<>();
    private int attemptsMade;

    private final ReconnectController.Listener listener = new ReconnectController.Listener() {
        @Override
        public void onReconnecting(int attempt, Duration delay, ErrorCode cause) {
            events.add("reconnecting " + attempt + " " + cause);
            delays.add(delay);
        }

        @Override
        public void onReconnected(int attempts) {
            events.add("reconnected " + attempts);
        }

        @Override
        public void onGaveUp(ErrorCode cause, String reason) {
            events.add("gave up " + cause + ": " + reason);
        }
    };

    private CompletionStage<Void> attempt() {
        attemptsMade++;
        CompletableFuture<Void> f = outcomes.poll();
        return f != null ? f : new CompletableFuture<>();
    }

    private ReconnectController controller(ConnectCircuitBreaker breaker) {
        return ReconnectController.builder()
                .policy(policy)
                .scheduler(scheduler)
                .random(new SplittableRandom(3))
                .circuitBreaker(breaker)
                .connectAttempt(this::attempt)
                .listener(listener)
                .build();
    }

    private ReconnectController controller() {
        return controller(ConnectCircuitBreaker.create(CircuitBreakerPolicy.disabled(), scheduler.clock()));
    }

    private void willFail(ErrorCode code, int times) {
        for (int i = 0; i < times; i++) {
            outcomes.add(CompletableFuture.failedFuture(new VoxwireException(code, "attempt failed")));
        }
    }

    private void willSucceed() {
        outcomes.add(CompletableFuture.completedFuture(null));
    }

    @Test
    void retriesWithBackoffUntilAnAttemptSucceeds() {
        ReconnectController c = controller();
        willFail(ErrorCode.NETWORK, 2);
        willSucceed();

        c.connectionLost(ErrorCode.NETWORK);
        assertThat(attemptsMade).as("nothing before the first delay").isZero();
        scheduler.advance(Duration.ofMinutes(1));

        assertThat(events).containsExactly(
                "reconnecting 1 NETWORK", "reconnecting 2 NETWORK", "reconnecting 3 NETWORK", "reconnected 3");
        assertThat(attemptsMade).isEqualTo(3);
        for (int i = 0; i < delays.size(); i++) {
            assertThat(delays.get(i)).isBetween(policy.minDelay(), policy.ceiling(i + 1));
        }
        assertThat(c.isReconnecting()).isFalse();
    }

    @Test
    void waitsTheAnnouncedDelayBeforeEachAttempt() {
        ReconnectController c = controller();
        c.connectionLost(ErrorCode.NETWORK);
        Duration first = delays.get(0);

        scheduler.advance(first.minusNanos(1));
        assertThat(attemptsMade).isZero();
        scheduler.advance(Duration.ofNanos(1));
        assertThat(attemptsMade).isEqualTo(1);
        c.close();
    }

    @Test
    void givesUpAfterMaxAttempts() {
        ReconnectController c = controller();
        willFail(ErrorCode.CONNECTION_TIMEOUT, 10);

        c.connectionLost(ErrorCode.NETWORK);
        scheduler.advance(Duration.ofMinutes(5));

        assertThat(attemptsMade).isEqualTo(4);
        assertThat(events).last().isEqualTo("gave up CONNECTION_TIMEOUT: gave up after 4 attempts (maxAttempts 4)");
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void neverRetriesANonRetryableLoss() {
        ReconnectController c = controller();

        c.connectionLost(ErrorCode.AUTH_FAILED);
        scheduler.advance(Duration.ofMinutes(5));

        assertThat(events).containsExactly("gave up AUTH_FAILED: not retryable: AUTH_FAILED");
        assertThat(attemptsMade).isZero();
    }

    @Test
    void stopsWhenAnAttemptFailsWithANonRetryableCode() {
        ReconnectController c = controller();
        willFail(ErrorCode.NETWORK, 1);
        willFail(ErrorCode.SESSION_EXPIRED, 1);

        c.connectionLost(ErrorCode.GOING_AWAY);
        scheduler.advance(Duration.ofMinutes(5));

        assertThat(events).containsExactly("reconnecting 1 GOING_AWAY", "reconnecting 2 NETWORK",
                "gave up SESSION_EXPIRED: not retryable: SESSION_EXPIRED");
        assertThat(attemptsMade).isEqualTo(2);
    }

    @Test
    void anAttemptThatThrowsOrFailsWithAForeignExceptionCountsAsNetwork() {
        outcomes.add(CompletableFuture.failedFuture(new java.io.IOException("connection refused")));
        willSucceed();
        ReconnectController c = controller();

        c.connectionLost(ErrorCode.NETWORK);
        scheduler.advance(Duration.ofMinutes(1));

        assertThat(events).containsExactly("reconnecting 1 NETWORK", "reconnecting 2 NETWORK", "reconnected 2");
    }

    @Test
    void flappingConnectionKeepsCountingUntilItStaysUpForTheStablePeriod() {
        ReconnectController c = controller();
        c.connected();
        willFail(ErrorCode.NETWORK, 1);
        willSucceed();
        c.connectionLost(ErrorCode.NETWORK);
        scheduler.advance(Duration.ofSeconds(20));
        assertThat(events).last().isEqualTo("reconnected 2");
        assertThat(c.attemptsSoFar()).isEqualTo(2);

        // Lost again before the stable period: the count goes on.
        scheduler.advance(Duration.ofSeconds(10));
        events.clear();
        willSucceed();
        c.connectionLost(ErrorCode.NETWORK);
        assertThat(events).containsExactly("reconnecting 3 NETWORK");
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(c.attemptsSoFar()).isEqualTo(3);

        // Up for the stable period: the count resets.
        scheduler.advance(policy.stablePeriod());
        assertThat(c.attemptsSoFar()).isZero();
        events.clear();
        c.connectionLost(ErrorCode.NETWORK);
        assertThat(events).containsExactly("reconnecting 1 NETWORK");
        c.close();
    }

    @Test
    void makesNoAttemptWhileTheBreakerIsOpenAndWaitsItOut() {
        ConnectCircuitBreaker breaker = ConnectCircuitBreaker.create(
                CircuitBreakerPolicy.builder().failureThreshold(2).openDuration(Duration.ofSeconds(60)).build(),
                scheduler.clock());
        ReconnectController c = ReconnectController.builder()
                .policy(policy.toBuilder().maxAttempts(0).build())
                .scheduler(scheduler)
                .random(new SplittableRandom(3))
                .circuitBreaker(breaker)
                .connectAttempt(this::attempt)
                .listener(listener)
                .build();
        willFail(ErrorCode.NETWORK, 2);
        willSucceed();

        c.connectionLost(ErrorCode.NETWORK);
        scheduler.advance(Duration.ofSeconds(10)); // two failures (<= 1 s + 2 s): the breaker opens

        assertThat(attemptsMade).isEqualTo(2);
        assertThat(breaker.state()).isEqualTo(ConnectCircuitBreaker.State.OPEN);
        assertThat(events).last().isEqualTo("reconnecting 3 CIRCUIT_OPEN");
        Duration wait = delays.get(delays.size() - 1);
        assertThat(wait).isGreaterThan(Duration.ofSeconds(50)).isLessThanOrEqualTo(Duration.ofSeconds(60));

        Duration untilClosed = breaker.remainingOpen();
        assertThat(scheduler.nextDelay()).as("the wait ends when the breaker half-opens").contains(untilClosed);

        scheduler.advance(untilClosed.minusNanos(1));
        assertThat(attemptsMade).as("no attempt while open").isEqualTo(2);

        scheduler.advance(Duration.ofNanos(1));
        assertThat(attemptsMade).as("the attempt goes as soon as the breaker half-opens").isEqualTo(3);
        scheduler.runDueTasks();
        assertThat(events).containsExactly("reconnecting 1 NETWORK", "reconnecting 2 NETWORK",
                "reconnecting 3 CIRCUIT_OPEN", "reconnected 3");
        assertThat(breaker.state()).isEqualTo(ConnectCircuitBreaker.State.CLOSED);
        c.close();
    }

    @Test
    void cancelStopsTheLoopAndIgnoresTheInFlightAttempt() {
        ReconnectController c = controller();
        CompletableFuture<Void> inFlight = new CompletableFuture<>();
        outcomes.add(inFlight);
        c.connectionLost(ErrorCode.NETWORK);
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(attemptsMade).isEqualTo(1);

        c.cancel();
        inFlight.completeExceptionally(new VoxwireException(ErrorCode.NETWORK, "late"));
        scheduler.advance(Duration.ofMinutes(5));

        assertThat(events).containsExactly("reconnecting 1 NETWORK");
        assertThat(attemptsMade).isEqualTo(1);
        assertThat(scheduler.pendingTasks()).isZero();
        assertThat(c.isReconnecting()).isFalse();
    }

    @Test
    void cancelWhileWaitingLeavesNoTimerAndALaterLossStartsAgain() {
        ReconnectController c = controller();
        c.connectionLost(ErrorCode.NETWORK);
        c.cancel();
        assertThat(scheduler.pendingTasks()).isZero();

        c.connectionLost(ErrorCode.NETWORK);
        assertThat(events).containsExactly("reconnecting 1 NETWORK", "reconnecting 1 NETWORK");
        c.close();
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void aLossReportedBeforeTheSuccessfulOutcomeIsProcessedStartsANewLoop() {
        ReconnectController c = controller();
        CompletableFuture<Void> inFlight = new CompletableFuture<>();
        outcomes.add(inFlight);
        c.connectionLost(ErrorCode.NETWORK);
        scheduler.advance(Duration.ofSeconds(2));

        inFlight.complete(null); // outcome scheduled, not yet processed
        c.connectionLost(ErrorCode.GOING_AWAY);
        scheduler.runDueTasks();

        assertThat(events).containsExactly("reconnecting 1 NETWORK", "reconnected 1", "reconnecting 2 GOING_AWAY");
        assertThat(c.isReconnecting()).isTrue();
        c.close();
    }

    @Test
    void closeIsFinal() {
        ReconnectController c = controller();
        c.close();
        c.close();
        c.connectionLost(ErrorCode.NETWORK);
        scheduler.advance(Duration.ofMinutes(1));

        assertThat(events).isEmpty();
        assertThat(attemptsMade).isZero();
    }

    @Test
    void aSecondLossWhileReconnectingIsIgnored() {
        ReconnectController c = controller();
        c.connectionLost(ErrorCode.NETWORK);
        c.connectionLost(ErrorCode.GOING_AWAY);

        assertThat(events).containsExactly("reconnecting 1 NETWORK");
        c.close();
    }

    @Test
    void synchronousFailuresDoNotRecurse() {
        ReconnectController c = ReconnectController.builder()
                .policy(ReconnectPolicy.builder().minDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(1))
                        .maxAttempts(5_000).build())
                .scheduler(scheduler)
                .circuitBreaker(ConnectCircuitBreaker.create(CircuitBreakerPolicy.disabled()))
                .connectAttempt(() -> {
                    attemptsMade++;
                    StackTraceElement[] stack = new Throwable().getStackTrace();
                    assertThat(stack.length).isLessThan(200);
                    return CompletableFuture.failedFuture(new VoxwireException(ErrorCode.NETWORK, "refused"));
                })
                .listener(listener)
                .build();

        c.connectionLost(ErrorCode.NETWORK);
        scheduler.advance(Duration.ofSeconds(10));

        assertThat(attemptsMade).isEqualTo(5_000);
        assertThat(events).last().asString().startsWith("gave up NETWORK");
    }

    @Test
    void disabledPolicyGivesUpAtOnce() {
        ReconnectController c = ReconnectController.builder()
                .policy(ReconnectPolicy.disabled())
                .scheduler(scheduler)
                .connectAttempt(this::attempt)
                .listener(listener)
                .build();
        c.connectionLost(ErrorCode.NETWORK);
        assertThat(events).containsExactly("gave up NETWORK: reconnect is disabled");
    }

    @Test
    void codeOfUnwrapsCompletionExceptions() {
        assertThat(ReconnectController.codeOf(new java.util.concurrent.CompletionException(
                new VoxwireException(ErrorCode.AUTH_FAILED, "bad token")))).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(ReconnectController.codeOf(new java.util.concurrent.TimeoutException()))
                .isEqualTo(ErrorCode.CONNECTION_TIMEOUT);
        assertThat(ReconnectController.codeOf(new IllegalStateException())).isEqualTo(ErrorCode.NETWORK);
    }
}
