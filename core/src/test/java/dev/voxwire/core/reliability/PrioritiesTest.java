package dev.voxwire.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrioritiesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "system:ping, CONTROL",
        "system:pong, CONTROL",
        "session:resume, CONTROL",
        "request:cancel, CONTROL",
        "audio:analyze, AUDIO",
        "audio:chunk, AUDIO",
        "live:audio, AUDIO",
        "user:typing, EPHEMERAL",
        "presence:update, EPHEMERAL",
        "message:send, MESSAGE",
        "conversation:message, MESSAGE",
        "live:text, MESSAGE",
        "request:other, MESSAGE",
        "systemic, MESSAGE",
        "error, MESSAGE",
    })
    void mapsEventTypesToPriorities(String type, Priority expected) {
        assertThat(Priorities.of(type)).isEqualTo(expected);
    }
}
