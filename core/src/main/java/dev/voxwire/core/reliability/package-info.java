/**
 * Reliability building blocks every transport shares: reconnect and heartbeat policies and the
 * loops that run them ({@link dev.voxwire.core.reliability.ReconnectController},
 * {@link dev.voxwire.core.reliability.HeartbeatMonitor}), a circuit breaker over connect attempts,
 * the bounded outbound priority queue, per-key event rate limits, and health snapshots.
 *
 * <p>Every timer runs on a {@link dev.voxwire.core.reliability.TaskScheduler} (a Netty event loop
 * in production, a {@link dev.voxwire.core.reliability.ManualTaskScheduler} on virtual time in
 * tests), and every time measurement uses its clock.
 */
@NullMarked
package dev.voxwire.core.reliability;

import org.jspecify.annotations.NullMarked;
