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
    void anEmptyRoomKeepsItsHistoryForTheTtlThenIsForgotten() {
        Broker b = Broker.inMemory(3, Duration.ofMinutes(10), Duration.ofSeconds(10), time.clock());
        StreamPosition start = b.join(room, "s1", "alice", null).join().position();
        b.publish(room, msg("m1"), PublishOptions.withHistory()).join();
        b.leaveAll("s1").join();
        time.advance(Duration.ofMinutes(9));
        JoinResult within = b.join(room, "s2", "bob", start).join();
        assertThat(within.recovered()).isTrue();
        assertThat(within.replayed()).isEqualTo(1);
        assertThat(within.position().epoch()).isEqualTo(start.epoch());
        b.leaveAll("s2").join();

        time.advance(Duration.ofMinutes(10));
        // other rooms come and go; the sweep they trigger forgets the expired room
        for (int i = 0; i < 1000; i++) {
            Room other = Room.channel("r" + i);
            b.join(other, "t" + i, "carol", null).join();
            b.publish(other, msg("x"), PublishOptions.withHistory()).join();
            b.leaveAll("t" + i).join();
        }
        assertThat(b.toString()).contains("rooms=1000,");
        time.advance(Duration.ofMinutes(10));
        b.leaveAll("nobody").join();
        assertThat(b.toString()).contains("rooms=0,");

        JoinResult after = b.join(room, "s3", "dave", start).join();
        assertThat(after.recovered()).isFalse();
        assertThat(after.position().epoch()).isNotEqualTo(start.epoch());
        assertThat(after.position().offset()).isZero();
    }

    @Test
    void aRoomWithMembersKeepsItsHistoryPastTheTtl() {
        Broker b = Broker.inMemory(3, Duration.ofMinutes(1), Duration.ofSeconds(10), time.clock());
        StreamPosition start = b.join(room, "s1", "alice", null).join().position();
        b.publish(room, msg("m1"), PublishOptions.withHistory()).join();
        time.advance(Duration.ofMinutes(5));
        b.leaveAll("nobody").join();
        JoinResult late = b.join(room, "s2", "bob", start).join();
        assertThat(late.recovered()).isTrue();
        assertThat(late.replayed()).isEqualTo(1);
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
