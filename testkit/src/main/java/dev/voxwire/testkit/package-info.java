/**
 * Voxwire testkit: tools for testing code built on Voxwire, with no test-framework dependency.
 *
 * <ul>
 *   <li>{@link dev.voxwire.testkit.FaultProxy}: a TCP proxy that injects latency, throttling, cut,
 *       stalled (half-open), reset and refused connections;</li>
 *   <li>{@link dev.voxwire.testkit.RecordingListener}: records transport events for strict
 *       {@code expect...} and lenient {@code await...} checks with timeouts;</li>
 *   <li>{@link dev.voxwire.testkit.AudioFixtures}: generated WAV/PCM and malformed WAV files.</li>
 * </ul>
 *
 * <p>AssertJ assertions live in {@code dev.voxwire.testkit.assertj}. See the module README.
 */
@NullMarked
package dev.voxwire.testkit;

import org.jspecify.annotations.NullMarked;
