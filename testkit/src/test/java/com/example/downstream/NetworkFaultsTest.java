package com.example.downstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.voxwire.testkit.FaultProxy;
import dev.voxwire.testkit.RawWebSocket;
import dev.voxwire.testkit.junit5.FaultProxyExtension;
import dev.voxwire.testkit.junit5.VoxwireServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Downstream style: a client's behaviour under network faults, through a FaultProxyExtension. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NetworkFaultsTest {

    // docs:fault-proxy-extension
    @RegisterExtension
    static VoxwireServerExtension server = VoxwireServerExtension.builder().build();

    @RegisterExtension
    static FaultProxyExtension proxy = FaultProxyExtension.builder().target(server).build();

    @Test
    void aCutConnectionEndsTheSessionAndTheNextConnectionWorks(FaultProxy faults) {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + server.token("alice"));
        try (RawWebSocket first = RawWebSocket.connect(proxy.wsUri("/ws"), auth, List.of())) {
            first.nextJson(); // system:connected
            assertThat(server.server().connections().count()).isEqualTo(1);

            assertThat(faults.cutAll()).isEqualTo(1); // FIN both ways, no close frame

            await().atMost(Duration.ofSeconds(5)).until(() -> server.server().connections().count() == 0);
        }
        try (RawWebSocket second = RawWebSocket.connect(proxy.wsUri("/ws"), auth, List.of())) {
            assertThat(second.nextJson().path("type").asText()).isEqualTo("system:connected");
        }
        assertThat(faults.totalConnections()).isGreaterThanOrEqualTo(2);
    }
    // end:fault-proxy-extension

    @Test
    void everyTestStartsWithATransparentProxy(FaultProxy faults) {
        assertThat(faults.faults().isTransparent()).isTrue();
        faults.stall(); // restored by the extension after this test
    }
}
