/**
 * Reliability building blocks every transport shares: reconnect and heartbeat policies, the
 * outbound priority queue and its bounds, rate limiting and circuit breaking.
 */
@NullMarked
package dev.voxwire.core.reliability;

import org.jspecify.annotations.NullMarked;
