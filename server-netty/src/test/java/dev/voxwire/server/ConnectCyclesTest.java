package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.voxwire.server.internal.ConnectionManagerImpl;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectCyclesTest {
    private static final int CYCLES = 10_000;

    @Test
    void tenThousandConnectDisconnectCyclesLeaveTheManagerEmpty() throws Exception {
        VoxwireServer server = TestServer.builder(TestServer.config().maxConnectionsPerUser(CYCLES).build()).build().start();
        try {
            Map<String, String> auth = TestServer.bearer("cycler");
            long t0 = System.nanoTime();
            for (int i = 0; i < CYCLES; i++) {
                try (RawWs ws = RawWs.connect(server.port(), i % 2 == 0 ? "/ws" : "/ws/c" + (i % 7), auth)) {
                    ws.next();
                    if (i % 3 == 0) {
                        ws.sendClose(1000);
                        ws.awaitClose();
                    } // otherwise: the socket just goes away
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("ConnectCyclesTest: " + CYCLES + " cycles in " + ms + " ms");
            ConnectionManagerImpl cm = (ConnectionManagerImpl) server.connections();
            await().atMost(Duration.ofSeconds(30)).until(() -> cm.count() == 0);
            assertThat(cm.indexSizes()).containsExactly(0, 0, 0);
            assertThat(server.meterRegistry().find("voxwire.connections.active").tag("transport", "websocket").gauge().value())
                    .isZero();
        } finally {
            server.close(Duration.ofSeconds(2));
        }
    }
}
