package dev.voxwire.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.VoxwireException;
import dev.voxwire.server.ServerConfig;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class RoomsConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        RoomsConfig c = RoomsConfig.ofDefaults();
        assertThat(c.typingTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.presenceTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.roomHistorySize()).isEqualTo(100);
        assertThat(c.toBuilder().roomHistorySize(7).build().roomHistorySize()).isEqualTo(7);
        ServerConfig s = ServerConfig.ofDefaults();
        assertThat(s.resumeWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.resumeHistorySize()).isEqualTo(1000);
        assertThat(s.rateLimits().limit("message:send")).hasValueSatisfying(l -> assertThat(l.permits()).isEqualTo(60));
    }

    @Test
    void invalidValuesAreRefusedWithTheValue() {
        assertThatThrownBy(() -> RoomsConfig.builder().typingTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("typingTimeout").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> ServerConfig.builder().resumeHistorySize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resumeHistorySize: 0");
    }

    @Test
    void propertiesSetPerUserEventLimitsWithoutLosingTheOthers() {
        Properties p = new Properties();
        p.setProperty("messageSendPerMinute", "5");
        p.setProperty("connectAttemptsPerMinute", "3");
        p.setProperty("resumeHistorySize", "50");
        ServerConfig c = ServerConfig.fromProperties(p).build();
        assertThat(c.rateLimits().limit("message:send")).hasValueSatisfying(l -> assertThat(l.permits()).isEqualTo(5));
        assertThat(c.rateLimits().limit("connect")).hasValueSatisfying(l -> assertThat(l.permits()).isEqualTo(3));
        assertThat(c.rateLimits().limit("user:typing")).hasValueSatisfying(l -> assertThat(l.permits()).isEqualTo(10));
        assertThat(c.resumeHistorySize()).isEqualTo(50);
    }

    @Test
    void roomNamesAreParsedAndValidated() {
        assertThat(Room.of("channel:general").kind()).isEqualTo(Room.Kind.CHANNEL);
        assertThat(Room.of("channel:general").id()).isEqualTo("general");
        assertThat(Room.of("presence:global")).isSameAs(Room.PRESENCE_GLOBAL);
        assertThat(Room.user("alice").name()).isEqualTo("user:alice");
        assertThat(Room.parse("lobby:x")).isEmpty();
        assertThatThrownBy(() -> Room.of("channel:")).isInstanceOf(VoxwireException.class).hasMessageContaining("channel:");
    }
}
