package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.voxwire.core.reliability.OutboundQueueConfig;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlowConsumerTest {
    private static double count(VoxwireServer server, String action) {
        Counter c = server.meterRegistry().find("voxwire.slow.consumer").tag("action", action).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void clientThatStopsReadingLosesEphemeralEventsThenIsClosedWith4008() throws Exception {
        VoxwireServer server = TestServer.builder(TestServer.config()
                        .writeBufferLowWaterMark(1024).writeBufferHighWaterMark(2048)
                        .outboundQueue(OutboundQueueConfig.builder().maxMessages(20).build())
                        .closeTimeout(Duration.ofSeconds(20)).build())
                .handler(new TestServer.FloodHandler()).build().start();
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("slow"), 4096)) {
            ws.next();
            ws.sendText("{\"type\":\"test:flood\",\"id\":\"f\",\"payload\":{\"n\":20000,\"size\":8192}}");
            // stop reading: the socket buffers fill, the channel turns unwritable, the queue fills
            await().atMost(Duration.ofSeconds(30)).until(() -> count(server, "closed") == 1.0);
            assertThat(count(server, "dropped")).isPositive();
            // now read everything that was sent before the close frame
            assertThat(ws.awaitClose()).isEqualTo(4008);
            await().until(() -> server.connections().count() == 0);
        } finally {
            server.close(Duration.ofSeconds(2));
        }
    }
}
