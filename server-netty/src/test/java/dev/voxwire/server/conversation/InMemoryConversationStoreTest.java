package dev.voxwire.server.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.server.ConversationTurn;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryConversationStoreTest {
    private static final Instant T = Instant.parse("2026-01-28T10:30:00Z");

    private static ConversationTurn user(String s) {
        return ConversationTurn.user(s, T);
    }

    @Test
    void keepsTurnsInOrderPerThread() {
        InMemoryConversationStore store = InMemoryConversationStore.ofDefaults();

        store.append("a", List.of(user("1"), ConversationTurn.assistant("2", T)));
        store.append("b", List.of(user("x")));
        store.append("a", List.of(user("3")));

        assertThat(store.load("a")).extracting(ConversationTurn::content).containsExactly("1", "2", "3");
        assertThat(store.load("b")).extracting(ConversationTurn::content).containsExactly("x");
        assertThat(store.load("unknown")).isEmpty();
        assertThatThrownBy(() -> store.load("a").add(user("4"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void dropsTheOldestTurnsBeyondTheLimit() {
        InMemoryConversationStore store = InMemoryConversationStore.builder().maxTurnsPerThread(3).build();

        store.append("a", List.of(user("1"), user("2")));
        store.append("a", List.of(user("3"), user("4"), user("5")));

        assertThat(store.load("a")).extracting(ConversationTurn::content).containsExactly("3", "4", "5");
    }

    @Test
    void forgetsTheLeastRecentlyUsedThreadBeyondTheLimit() {
        InMemoryConversationStore store = InMemoryConversationStore.builder().maxThreads(2).build();
        store.append("a", List.of(user("a")));
        store.append("b", List.of(user("b")));
        store.load("a");

        store.append("c", List.of(user("c")));

        assertThat(store.threadCount()).isEqualTo(2);
        assertThat(store.load("b")).as("least recently used").isEmpty();
        assertThat(store.load("a")).hasSize(1);
        assertThat(store.load("c")).hasSize(1);
    }

    @Test
    void boundsAreCheckedAndShowTheBadValue() {
        assertThatThrownBy(() -> InMemoryConversationStore.builder().maxThreads(0))
                .hasMessage("maxThreads: 0 (expected: > 0)");
        assertThatThrownBy(() -> InMemoryConversationStore.builder().maxTurnsPerThread(-1))
                .hasMessage("maxTurnsPerThread: -1 (expected: > 0)");
        InMemoryConversationStore store = InMemoryConversationStore.builder().maxThreads(5).build();
        assertThat(store.toBuilder().build().maxThreads()).isEqualTo(5);
        assertThat(store.maxTurnsPerThread()).isEqualTo(InMemoryConversationStore.DEFAULT_MAX_TURNS_PER_THREAD);
    }

    @Test
    void turnsNeverShowTheirContentInToString() {
        assertThat(user("my secret").toString()).doesNotContain("secret").contains("9 chars");
    }
}
