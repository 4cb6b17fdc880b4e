package com.example.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.testkit.FaultProxy;
import dev.voxwire.testkit.RawWebSocket;
import dev.voxwire.testkit.junit5.FaultProxyExtension;
import dev.voxwire.testkit.junit5.VoxwireServerExtension;
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
    void aCutConnectionEndsWithoutACloseFrameAndTheNextOneWorks(FaultProxy faults) {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + server.token("alice"));
        try (RawWebSocket first = RawWebSocket.connect(proxy.wsUri("/ws"), auth, List.of())) {
            first.nextJson(); // system:connected

            faults.cutAll();

            assertThat(first.awaitClosed().code()).isEqualTo(1006);
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
