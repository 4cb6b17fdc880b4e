package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.protocol.Envelope;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerBuilderTest {
    private static EventHandler handlerFor(String... types) {
        return new EventHandler() {
            @Override
            public Set<String> types() {
                return Set.of(types);
            }

            @Override
            public void handle(Envelope request, RequestContext ctx) {
            }

            @Override
            public String toString() {
                return "handler" + Set.of(types);
            }
        };
    }

    @Test
    void twoHandlersForOneTypeAreRefused() {
        assertThatThrownBy(() -> VoxwireServer.builder().handler(handlerFor("audio:analyze"))
                .handler(handlerFor("audio:analyze")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'audio:analyze' has two handlers");
    }

    @Test
    void handlerForAnUnregisteredTypeIsRefused() {
        assertThatThrownBy(() -> VoxwireServer.builder().handler(handlerFor("custom:thing")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'custom:thing' is not in the server's EventTypes");
    }

    @Test
    void handlerForAServerOwnedTypeIsRefused() {
        assertThatThrownBy(() -> VoxwireServer.builder().handler(handlerFor("system:ping")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("served by the server itself");
        assertThatThrownBy(() -> VoxwireServer.builder().handler(handlerFor("request:cancel")).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void portBeforeStartIsAnError() {
        assertThatThrownBy(() -> VoxwireServer.builder().build().port()).isInstanceOf(IllegalStateException.class);
    }
}
