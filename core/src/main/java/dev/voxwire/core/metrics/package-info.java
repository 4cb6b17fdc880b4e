/**
 * Micrometer instrumentation of Voxwire transports: {@link dev.voxwire.core.metrics.TransportMetrics}
 * is a {@code MeterBinder} that records connection states and transitions, reconnect attempts,
 * messages and bytes by event type, errors by code, the outbound queue depth and heartbeat round
 * trips, under {@code voxwire.transport.*} tagged with the transport name.
 */
@NullMarked
package dev.voxwire.core.metrics;

import org.jspecify.annotations.NullMarked;
