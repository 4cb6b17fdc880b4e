package dev.voxwire.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.reliability.ManualTaskScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryBrokerTest {
    private final ManualTaskScheduler time = ManualTaskScheduler.create();
    private final Broker broker = Broker.inMemory(3, Duration.ofSeconds(10), time.clock());
    private final Room room = Room.channel("a");

    private static Envelope msg(String content) {
        ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
        p.put("content", content);
        return Envelope.of("message:new", p);
    }

    @Test
    void historyIsBoundedAndCatchUpFailsWhenItNoLongerReachesBack() {
        StreamPosition start = broker.join(room, "s1", "alice", null).join().position();
        for (int i = 1; i <= 5; i++) {
            assertThat(broker.publish(room, msg("m" + i), PublishOptions.withHistory()).join().offset()).isEqualTo(i);
        }
        JoinResult fromTwo = broker.join(room, "s2", "bob", new StreamPosition(start.epoch(), 2)).join();
        assertThat(fromTwo.recovered()).isTrue();
        assertThat(fromTwo.replayed()).isEqualTo(3);
        JoinResult fromOne = broker.join(room, "s3", "carol", new StreamPosition(start.epoch(), 1)).join();
        assertThat(fromOne.recovered()).isFalse();
        assertThat(broker.members(room).join()).extracting(Member::userId).containsExactly("alice", "bob", "carol");
        assertThat(broker.roomCount()).isEqualTo(1);
    }

    @Test
    void presenceIsOnlineIfAnyConnectionIsAndLingersForTheTtl() {
        assertThat(broker.updatePresence("alice", "s1", Presence.ONLINE).join().changed()).isTrue();
        assertThat(broker.updatePresence("alice", "s2", Presence.AWAY).join().changed()).isFalse();
        assertThat(broker.updatePresence("alice", "s1", Presence.AWAY).join().after()).isEqualTo(Presence.AWAY);
        broker.updatePresence("alice", "s1", Presence.OFFLINE).join();
        broker.updatePresence("alice", "s2", Presence.OFFLINE).join();
        assertThat(broker.presence("alice").join()).isEqualTo(Presence.AWAY);
        time.advance(Duration.ofSeconds(9));
        assertThat(broker.expirePresence("alice").join().changed()).isFalse();
        time.advance(Duration.ofSeconds(1));
        PresenceChange gone = broker.expirePresence("alice").join();
        assertThat(gone.before()).isEqualTo(Presence.AWAY);
        assertThat(gone.after()).isEqualTo(Presence.OFFLINE);
    }

    @Test
    void leaveAllForgetsTheSessionEverywhere() {
        broker.join(room, "s1", "alice", null).join();
        broker.join(Room.channel("b"), "s1", "alice", null).join();
        assertThat(broker.leaveAll("s1").join()).containsExactlyInAnyOrder(room, Room.channel("b"));
        assertThat(broker.isMember(room, "s1").join()).isFalse();
        assertThat(broker.roomCount()).isZero();
        assertThat(broker.roomsOf("alice").join()).isEmpty();
    }
}
