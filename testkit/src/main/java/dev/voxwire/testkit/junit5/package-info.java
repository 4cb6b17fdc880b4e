/**
 * JUnit 5 extensions for the testkit: a {@link dev.voxwire.testkit.junit5.VoxwireServerExtension
 * Voxwire server}, a {@link dev.voxwire.testkit.junit5.GeminiSimulatorExtension Gemini Live
 * simulator} and a {@link dev.voxwire.testkit.junit5.FaultProxyExtension fault proxy}, each on a
 * random loopback port.
 *
 * <p>This is the only package of the testkit that uses JUnit, and it needs only
 * {@code org.junit.jupiter:junit-jupiter-api} (an optional dependency of the testkit, present in
 * every JUnit 5 project).
 *
 * <p><b>Lifecycle.</b> Registered with {@code @RegisterExtension} on a {@code static} field, an
 * extension starts its server before the first test of the class and closes it after the last
 * one (also for {@code @Nested} classes, which share it). Registered on an instance field, or
 * built with {@code perTest()}, it starts a fresh server before each test and closes it after the
 * test (an instance field of a {@code @TestInstance(PER_CLASS)} class is once per class: JUnit then
 * calls its class callbacks). Either way the server is closed on every path, including failed tests and failed
 * callbacks (the extension also registers the server in JUnit's extension store, which closes it
 * when the owning context ends).
 *
 * <p><b>Parameters.</b> Each extension resolves its resource type as a parameter of test,
 * lifecycle and constructor methods ({@code VoxwireServer}, {@code GeminiLiveSimulator},
 * {@code FaultProxy}), and any of them resolves a
 * {@link dev.voxwire.testkit.RecordingListener RecordingListener}: one new recorder per test,
 * shared by that test's {@code @BeforeEach}, test and {@code @AfterEach} methods.
 */
@NullMarked
package dev.voxwire.testkit.junit5;

import org.jspecify.annotations.NullMarked;
