/**
 * The transport compatibility kit: {@link dev.voxwire.testkit.compat.AudioTransportCompatibilityKit}
 * is an abstract JUnit 5 test class that every {@link dev.voxwire.core.AudioTransport}
 * implementation extends to prove it behaves like the built-in ones, against a real Voxwire server
 * ({@link dev.voxwire.testkit.compat.CompatibilityServer}) that the kit starts on a random port behind
 * a {@link dev.voxwire.testkit.FaultProxy}.
 *
 * <p>Needs {@code junit-jupiter-api} on the test class path (an optional dependency of the testkit).
 */
@NullMarked
package dev.voxwire.testkit.compat;

import org.jspecify.annotations.NullMarked;
