package dev.voxwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Utf8Test {
    private static long jdk(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void countsLikeTheJdkEncoderForEveryKindOfChar() {
        for (String s : new String[] {"", "a", "{\"type\":\"x\"}", "é", "ß€", "日本語", "😀", "a😀b", "\uD800", "\uDC00x",
            "\uD800\uD800\uDC00", "\u007F\u0080\u07FF\u0800\uFFFF"}) {
            assertThat(Utf8.encodedLength(s)).as(s).isEqualTo(jdk(s));
        }
    }

    @Test
    void countsLikeTheJdkEncoderForRandomText() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 2_000; round++) {
            StringBuilder b = new StringBuilder();
            int len = random.nextInt(40);
            for (int i = 0; i < len; i++) {
                b.append((char) random.nextInt(0x10000)); // includes unpaired and paired surrogates
            }
            String s = b.toString();
            assertThat(Utf8.encodedLength(s)).as("round %d", round).isEqualTo(jdk(s));
        }
    }
}
