package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IdleTimeoutTest {
    @Test
    void silentClientIsClosedAfterTheIdleTimeoutAndServerPingsArrive() throws Exception {
        VoxwireServer server = TestServer.builder(TestServer.config().idleTimeout(Duration.ofMillis(600))
                .pingInterval(Duration.ofMillis(100)).build()).build().start();
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("quiet"))) {
            ws.next();
            boolean sawPing = false;
            while (true) {
                RawWs.Frame f = ws.readFrame();
                if (f.opcode() == RawWs.PING) {
                    sawPing = true;
                } else if (f.opcode() == RawWs.CLOSE) {
                    assertThat(f.closeCode()).isEqualTo(1001);
                    assertThat(new String(f.payload(), 2, f.payload().length - 2, java.nio.charset.StandardCharsets.UTF_8))
                            .isEqualTo("idle timeout");
                    break;
                }
            }
            assertThat(sawPing).isTrue();
        } finally {
            server.close(Duration.ofSeconds(1));
        }
    }
}
