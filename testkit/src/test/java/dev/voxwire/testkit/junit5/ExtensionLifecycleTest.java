package dev.voxwire.testkit.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.voxwire.server.VoxwireServer;
import dev.voxwire.testkit.FaultProxy;
import dev.voxwire.testkit.RecordingListener;
import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import dev.voxwire.testkit.gemini.ScriptedTurn;
import dev.voxwire.testkit.gemini.SimulatorScript;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs sample test classes (the static nested classes below, which Surefire does not run by
 * itself) on the Jupiter engine and checks when the extensions started and closed their servers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExtensionLifecycleTest {

    private static EngineExecutionResults run(Class<?> sample) {
        Probe.reset();
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute();
    }

    private static void assertAllClosed() {
        assertThat(Probe.PORTS).isNotEmpty();
        for (int port : Probe.PORTS) {
            assertThat(Probe.listening(port)).as("port %d still listening", port).isFalse();
        }
    }

    // ---------------------------------------------------------------- server, once per class

    static class PerClassServer {
        @RegisterExtension
        static VoxwireServerExtension server = VoxwireServerExtension.builder().build();

        @Test
        void first(VoxwireServer injected) {
            assertThat(injected).isSameAs(server.server());
            assertThat(Probe.listening(server.port())).isTrue();
            Probe.saw(injected, injected.port());
        }

        @Test
        void second(VoxwireServer injected) {
            Probe.saw(injected, injected.port());
        }

        @Test
        void third(VoxwireServer injected) {
            Probe.saw(injected, injected.port());
        }
    }

    @Test
    void staticFieldStartsOneServerForTheClassAndClosesItAfterTheLastTest() {
        EngineExecutionResults r = run(PerClassServer.class);

        r.testEvents().assertStatistics(s -> s.started(3).succeeded(3).failed(0));
        assertThat(Probe.SEEN).hasSize(3);
        assertThat(Probe.distinct()).isEqualTo(1);
        assertAllClosed();
        assertThat(PerClassServer.server.isRunning()).isFalse();
    }

    // ---------------------------------------------------------------- server, per test

    static class InstanceFieldServer {
        @RegisterExtension
        VoxwireServerExtension server = VoxwireServerExtension.builder().build();

        @Test
        void first(VoxwireServer injected) {
            assertThat(injected).isSameAs(server.server());
            Probe.saw(injected, injected.port());
        }

        @Test
        void second(VoxwireServer injected) {
            Probe.saw(injected, injected.port());
        }
    }

    static class PerTestStaticServer {
        @RegisterExtension
        static VoxwireServerExtension server = VoxwireServerExtension.builder().perTest().build();

        @Test
        void first() {
            Probe.saw(server.server(), server.port());
        }

        @Test
        void second() {
            Probe.saw(server.server(), server.port());
        }
    }

    @Test
    void instanceFieldStartsAFreshServerForEachTest() {
        EngineExecutionResults r = run(InstanceFieldServer.class);

        r.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(Probe.distinct()).isEqualTo(2);
        assertAllClosed();
    }

    @Test
    void perTestStartsAFreshServerForEachTestEvenInAStaticField() {
        EngineExecutionResults r = run(PerTestStaticServer.class);

        r.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(Probe.distinct()).isEqualTo(2);
        assertAllClosed();
        assertThat(PerTestStaticServer.server.isRunning()).isFalse();
    }

    @org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
    static class InstanceFieldWithPerClassInstance {
        @RegisterExtension
        VoxwireServerExtension server = VoxwireServerExtension.builder().build();

        @Test
        void first(VoxwireServer s) {
            Probe.saw(s, s.port());
        }

        @Test
        void second(VoxwireServer s) {
            Probe.saw(s, s.port());
        }
    }

    @Test
    void anInstanceFieldOfAPerClassTestInstanceIsClosedToo() {
        EngineExecutionResults r = run(InstanceFieldWithPerClassInstance.class);

        r.allEvents().assertStatistics(s -> s.failed(0));
        r.testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(Probe.distinct()).isEqualTo(1); // JUnit calls beforeAll on it: one server for the class
        assertAllClosed();
    }

    // ---------------------------------------------------------------- failures

    static class FailingTests {
        @RegisterExtension
        static VoxwireServerExtension shared = VoxwireServerExtension.builder().build();
        @RegisterExtension
        VoxwireServerExtension own = VoxwireServerExtension.builder().build();

        @Test
        void fails() {
            Probe.saw(shared.server(), shared.port());
            Probe.saw(own.server(), own.port());
            throw new AssertionError("boom");
        }

        @Test
        void failsInAfterEach() {
            Probe.saw(own.server(), own.port());
        }

        @AfterEach
        void tearDown() {
            throw new IllegalStateException("after each failed");
        }
    }

    @Test
    void failingTestsAndCallbacksStillCloseEveryServer() {
        EngineExecutionResults r = run(FailingTests.class);

        r.testEvents().assertStatistics(s -> s.started(2).failed(2));
        assertThat(Probe.distinct()).isEqualTo(3);
        assertAllClosed();
    }

    static class ServerThatCannotStart {
        @RegisterExtension
        static VoxwireServerExtension server = VoxwireServerExtension.builder()
                .serverConfig(c -> c.host("192.0.2.1")) // TEST-NET-1: not an address of this machine
                .build();

        @Test
        void neverRuns() {
            Probe.saw(server.server(), server.port());
        }
    }

    @Test
    void aServerThatCannotBindFailsTheClassAndRunsNoTest() {
        EngineExecutionResults r = run(ServerThatCannotStart.class);

        r.testEvents().assertStatistics(s -> s.started(0));
        r.containerEvents().assertStatistics(s -> s.failed(1));
        assertThat(ServerThatCannotStart.server.isRunning()).isFalse();
    }

    // ---------------------------------------------------------------- nested classes

    static class OuterWithNested {
        @RegisterExtension
        static VoxwireServerExtension server = VoxwireServerExtension.builder().build();

        @Test
        void outer(VoxwireServer s) {
            Probe.saw(s, s.port());
        }

        @Nested
        class Inner {
            @Test
            void inner(VoxwireServer s) {
                Probe.saw(s, s.port());
            }

            @Test
            void innerAgain(VoxwireServer s) {
                Probe.saw(s, s.port());
            }
        }
    }

    @Test
    void nestedClassesShareTheEnclosingClassServer() {
        EngineExecutionResults r = run(OuterWithNested.class);

        r.testEvents().assertStatistics(s -> s.started(3).succeeded(3));
        assertThat(Probe.distinct()).isEqualTo(1);
        assertAllClosed();
    }

    // ---------------------------------------------------------------- parameters

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Parameters {
        @RegisterExtension
        static VoxwireServerExtension server = VoxwireServerExtension.builder().build();
        @RegisterExtension
        static GeminiSimulatorExtension gemini = GeminiSimulatorExtension.ofDefaults();

        static RecordingListener fromBeforeAll;
        RecordingListener fromBeforeEach;

        @BeforeAll
        static void beforeAll(VoxwireServer s, RecordingListener events) {
            fromBeforeAll = events;
            Probe.saw(s, s.port());
        }

        @BeforeEach
        void beforeEach(RecordingListener events, GeminiLiveSimulator sim) {
            fromBeforeEach = events;
            assertThat(sim).isSameAs(gemini.simulator());
        }

        @Test
        @Order(1)
        void first(RecordingListener events, VoxwireServer s) {
            assertThat(events).isSameAs(fromBeforeEach).isNotSameAs(fromBeforeAll);
            Probe.saw(events, s.port());
        }

        @Test
        @Order(2)
        void second(RecordingListener events) {
            assertThat(events).isSameAs(fromBeforeEach);
            Probe.saw(events, server.port());
        }
    }

    @Test
    void injectsServersAndOneFreshRecordingListenerPerTest() {
        EngineExecutionResults r = run(Parameters.class);

        r.allEvents().assertStatistics(s -> s.failed(0));
        r.testEvents().assertStatistics(s -> s.succeeded(2));
        List<Object> seen = Probe.SEEN;
        assertThat(seen).hasSize(3);
        assertThat(seen.get(1)).isInstanceOf(RecordingListener.class).isNotSameAs(seen.get(2));
    }

    static class PerTestServerInBeforeAll {
        @RegisterExtension
        static VoxwireServerExtension server = VoxwireServerExtension.builder().perTest().build();

        @BeforeAll
        static void beforeAll(VoxwireServer s) {
            Probe.saw(s, s.port());
        }

        @Test
        void neverRuns() {
        }
    }

    @Test
    void aPerTestServerCannotBeInjectedIntoBeforeAll() {
        EngineExecutionResults r = run(PerTestServerInBeforeAll.class);

        r.containerEvents().failed().assertThatEvents().hasSize(1);
        assertThat(r.containerEvents().failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow())
                .hasMessageContaining("is not running");
        assertThat(Probe.SEEN).isEmpty();
    }

    // ---------------------------------------------------------------- fault proxy

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class ProxyInFrontOfServer {
        // Declared first on purpose: target(server) starts the server before the proxy.
        @RegisterExtension
        @org.junit.jupiter.api.Order(1)
        static FaultProxyExtension proxy;
        @RegisterExtension
        @org.junit.jupiter.api.Order(2)
        static VoxwireServerExtension server = VoxwireServerExtension.builder().build();

        static {
            proxy = FaultProxyExtension.builder().target(server).build();
        }

        @Test
        @Order(1)
        void stallsInTheFirstTest(FaultProxy p) {
            assertThat(p.upstream().getPort()).isEqualTo(server.port());
            p.stall().latency(java.time.Duration.ofMillis(50));
            Probe.saw(p, p.port());
            Probe.saw(server.server(), server.port());
        }

        @Test
        @Order(2)
        void theNextTestFindsItRestored(FaultProxy p) {
            assertThat(p.faults().isTransparent()).isTrue();
            Probe.saw(p, p.port());
        }
    }

    @Test
    void proxyStartsAfterItsTargetAndIsRestoredBetweenTests() {
        EngineExecutionResults r = run(ProxyInFrontOfServer.class);

        r.allEvents().assertStatistics(s -> s.failed(0));
        r.testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(Probe.SEEN.get(0)).isSameAs(Probe.SEEN.get(2));
        assertAllClosed();
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClassProxyPerTestServer {
        @RegisterExtension
        static VoxwireServerExtension server = VoxwireServerExtension.builder().perTest().build();
        @RegisterExtension
        static FaultProxyExtension proxy = FaultProxyExtension.builder().target(server).build();

        @Test
        @Order(1)
        void first(FaultProxy p) {
            assertThat(p.upstream().getPort()).isEqualTo(server.port());
            Probe.saw(p, p.port());
        }

        @Test
        @Order(2)
        void second(FaultProxy p) {
            assertThat(p.upstream().getPort()).isEqualTo(server.port());
            Probe.saw(p, p.port());
        }
    }

    @Test
    void aProxyInFrontOfAPerTestServerIsPerTestToo() {
        EngineExecutionResults r = run(PerClassProxyPerTestServer.class);

        r.allEvents().assertStatistics(s -> s.failed(0));
        assertThat(Probe.distinct()).isEqualTo(2);
        assertAllClosed();
    }

    static class ProxyWithUnavailableTarget {
        @RegisterExtension
        @org.junit.jupiter.api.Order(1)
        static VoxwireServerExtension server = VoxwireServerExtension.builder().perTest().build();
        @RegisterExtension
        @org.junit.jupiter.api.Order(2)
        static FaultProxyExtension proxy = FaultProxyExtension.builder().target(() -> server.address()).build();

        @Test
        void neverRuns() {
            Probe.saw(proxy.proxy(), proxy.port());
        }
    }

    @Test
    void aProxyWhoseSupplierHasNoTargetYetFailsTheClassAndSaysWhatToDo() {
        EngineExecutionResults r = run(ProxyWithUnavailableTarget.class);

        assertThat(r.containerEvents().failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow())
                .hasMessageContaining("target is not available")
                .hasMessageContaining("target(...)");
        assertThat(Probe.SEEN).isEmpty();
        assertThat(ProxyWithUnavailableTarget.proxy.isRunning()).isFalse();
    }

    static class ProxyInFrontOfGemini {
        @RegisterExtension
        static GeminiSimulatorExtension gemini = GeminiSimulatorExtension.ofDefaults();
        @RegisterExtension
        static FaultProxyExtension proxy = FaultProxyExtension.builder().target(gemini).build();

        @Test
        void forwardsToTheSimulator(FaultProxy p, GeminiLiveSimulator sim) {
            assertThat(p.upstream().getPort()).isEqualTo(sim.port());
            java.net.URI viaProxy = java.net.URI.create(proxy.wsUri(gemini.wsUri().getPath()) + "?key=" + gemini.apiKey());
            try (dev.voxwire.testkit.RawWebSocket live = dev.voxwire.testkit.RawWebSocket.connect(viaProxy)) {
                live.send("{\"setup\":{\"model\":\"models/gemini-2.5-flash-native-audio-preview-12-2025\"}}");
                assertThat(live.nextJson().has("setupComplete")).isTrue();
            }
            Probe.saw(p, p.port());
            Probe.saw(sim, sim.port());
        }
    }

    @Test
    void aProxyCanFrontTheGeminiSimulator() {
        EngineExecutionResults r = run(ProxyInFrontOfGemini.class);

        r.allEvents().assertStatistics(s -> s.failed(0));
        r.testEvents().assertStatistics(s -> s.succeeded(1));
        assertAllClosed();
    }

    // ---------------------------------------------------------------- gemini

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class GeminiScriptRestored {
        static final SimulatorScript CONFIGURED = SimulatorScript.builder().otherwise(ScriptedTurn.text("hi")).build();

        @RegisterExtension
        static GeminiSimulatorExtension gemini = GeminiSimulatorExtension.builder().script(CONFIGURED).build();

        @Test
        @Order(1)
        void changesTheScript(GeminiLiveSimulator sim) {
            assertThat(sim.script()).isSameAs(CONFIGURED);
            sim.useScript(SimulatorScript.echo());
            Probe.saw(sim, sim.port());
        }

        @Test
        @Order(2)
        void getsTheConfiguredScriptBack(GeminiLiveSimulator sim) {
            assertThat(sim.script()).isSameAs(CONFIGURED);
            Probe.saw(sim, sim.port());
        }
    }

    @Test
    void geminiSimulatorIsSharedPerClassWithItsScriptRestoredBeforeEachTest() {
        EngineExecutionResults r = run(GeminiScriptRestored.class);

        r.allEvents().assertStatistics(s -> s.failed(0));
        r.testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(Probe.distinct()).isEqualTo(1);
        assertAllClosed();
    }
}
