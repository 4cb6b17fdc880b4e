package dev.voxwire.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

class NettyLeakDetectionExtensionTest {

    @Test
    void runsEveryTestAtParanoidLevel() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void recordsABufferThatWasNeverReleased() {
        leakOneBuffer();
        NettyLeakDetectionExtension.collectGarbageAndPoll();
        // Drain here so that the extension's own after-each check does not fail this test.
        assertThat(NettyLeakDetectionExtension.drain())
                .anySatisfy(report -> assertThat(report).startsWith("LEAK: ByteBuf"));
    }

    @Test
    void reportsNothingWhenEveryBufferIsReleased() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buf.writeLong(42);
        buf.release();
        NettyLeakDetectionExtension.collectGarbageAndPoll();
        assertThat(NettyLeakDetectionExtension.drain()).isEmpty();
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        leaked.writeInt(7);
        // dropped without release()
    }
}
