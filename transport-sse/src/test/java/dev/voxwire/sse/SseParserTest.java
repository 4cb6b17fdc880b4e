package dev.voxwire.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SseParserTest {

    /** Records everything the parser reports, as strings. */
    static final class Recorder implements SseParser.Listener {
        final List<SseEvent> events = new ArrayList<>();
        final List<String> comments = new ArrayList<>();
        final List<Duration> retries = new ArrayList<>();
        final List<String> all = new ArrayList<>();

        @Override
        public void onEvent(SseEvent event) {
            events.add(event);
            all.add("event:" + event);
        }

        @Override
        public void onComment(String text) {
            comments.add(text);
            all.add("comment:" + text);
        }

        @Override
        public void onRetry(Duration reconnectionTime) {
            retries.add(reconnectionTime);
            all.add("retry:" + reconnectionTime);
        }
    }

    private static Recorder parse(String stream) {
        return parse(stream.getBytes(StandardCharsets.UTF_8));
    }

    private static Recorder parse(byte[] stream) {
        Recorder r = new Recorder();
        SseParser.create(r).feed(stream);
        return r;
    }

    @Test
    void dispatchesAnEventOnABlankLineWithItsTypeAndData() {
        Recorder r = parse("event: analysis:progress\ndata: {\"a\":1}\n\n");
        assertThat(r.events).containsExactly(new SseEvent("analysis:progress", "{\"a\":1}", ""));
    }

    @Test
    void eventWithoutTypeIsAMessageAndTypeDoesNotCarryOver() {
        Recorder r = parse("event: custom\ndata: a\n\ndata: b\n\n");
        assertThat(r.events).extracting(SseEvent::type).containsExactly("custom", "message");
    }

    @Test
    void multiLineDataIsJoinedWithNewlinesAndTheTrailingNewlineRemoved() {
        Recorder r = parse("data: first\ndata:second\ndata\ndata:  fourth\n\n");
        assertThat(r.events).singleElement().extracting(SseEvent::data).isEqualTo("first\nsecond\n\n fourth");
    }

    @Test
    void onlyOneLeadingSpaceAfterTheColonIsRemoved() {
        Recorder r = parse("data:   x \n\n");
        assertThat(r.events.get(0).data()).isEqualTo("  x ");
    }

    @Test
    void lineWithoutColonIsAFieldWithEmptyValue() {
        Recorder r = parse("data\ndata\n\n");
        assertThat(r.events).singleElement().extracting(SseEvent::data).isEqualTo("\n");
    }

    @Test
    void eventsWithEmptyDataAreNotDispatchedAndTheirTypeIsDropped() {
        Recorder r = parse("event: nothing\n\nevent\n\ndata: x\n\n");
        assertThat(r.events).containsExactly(new SseEvent("message", "x", ""));
    }

    @Test
    void dataWithOnlyAnEmptyLineIsDispatched() {
        Recorder r = parse("data:\n\n");
        assertThat(r.events).containsExactly(new SseEvent("message", "", ""));
    }

    @Test
    void idPersistsAcrossEventsAndIsSetEvenByEventsThatAreNotDispatched() {
        SseParser.Listener l;
        Recorder r = new Recorder();
        SseParser p = SseParser.create(r);
        p.feed("id: 7\ndata: a\n\ndata: b\n\nid: 9\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(r.events).extracting(SseEvent::lastEventId).containsExactly("7", "7");
        assertThat(p.lastEventId()).isEqualTo("9");
    }

    @Test
    void emptyIdResetsTheLastEventId() {
        Recorder r = parse("id: 7\ndata: a\n\nid\ndata: b\n\n");
        assertThat(r.events).extracting(SseEvent::lastEventId).containsExactly("7", "");
    }

    @Test
    void idContainingNulIsIgnored() {
        Recorder r = parse("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n");
        assertThat(r.events).extracting(SseEvent::lastEventId).containsExactly("1", "1");
    }

    @Test
    void idIsOnlyTakenOverWhenTheEventEnds() {
        Recorder r = new Recorder();
        SseParser p = SseParser.create(r);
        p.feed("id: 3\ndata: x\n".getBytes(StandardCharsets.UTF_8));
        assertThat(p.lastEventId()).isEmpty();
        p.feed("\n".getBytes(StandardCharsets.UTF_8));
        assertThat(p.lastEventId()).isEqualTo("3");
    }

    @Test
    void retryWithDigitsOnlyIsReported() {
        Recorder r = parse("retry: 1500\nretry: 12a\nretry: -5\nretry:\nretry: 1.5\nretry: 0\n\n");
        assertThat(r.retries).containsExactly(Duration.ofMillis(1500), Duration.ZERO);
        assertThat(r.events).isEmpty();
    }

    @Test
    void retryWithMoreDigitsThanALongIsAsLongAsPossible() {
        Recorder r = parse("retry: 99999999999999999999999\n");
        assertThat(r.retries).containsExactly(Duration.ofMillis(Long.MAX_VALUE));
    }

    @Test
    void commentLinesAreReportedAndDoNotTouchTheEvent() {
        Recorder r = parse(": heartbeat\ndata: a\n:no-space\ndata: b\n\n");
        assertThat(r.comments).containsExactly("heartbeat", "no-space");
        assertThat(r.events).singleElement().extracting(SseEvent::data).isEqualTo("a\nb");
    }

    @Test
    void unknownFieldsAreIgnored() {
        Recorder r = parse("foo: bar\nData: no\ndata: yes\n\n");
        assertThat(r.events).singleElement().extracting(SseEvent::data).isEqualTo("yes");
    }

    @Test
    void aLeadingBomIsSkippedOnce() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "data: a\n\n".getBytes(StandardCharsets.UTF_8);
        byte[] stream = concat(bom, body);
        assertThat(parse(stream).events).containsExactly(new SseEvent("message", "a", ""));

        // a BOM later in the stream is an ordinary character: "\uFEFFdata" is an unknown field
        byte[] second = concat(body, concat(bom, body));
        assertThat(parse(second).events).hasSize(1);
    }

    @Test
    void aBomSplitAcrossReadsIsStillSkipped() {
        Recorder r = new Recorder();
        SseParser p = SseParser.create(r);
        p.feed(new byte[] {(byte) 0xEF});
        p.feed(new byte[] {(byte) 0xBB});
        p.feed(concat(new byte[] {(byte) 0xBF}, "data: a\n\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.events).containsExactly(new SseEvent("message", "a", ""));
    }

    @Test
    void crLfAndCrLfAllEndLines() {
        assertThat(parse("data: a\r\rdata: b\n\ndata: c\r\n\r\n").events).extracting(SseEvent::data)
                .containsExactly("a", "b", "c");
    }

    @Test
    void crAtTheEndOfOneReadAndLfAtTheStartOfTheNextAreOneLineEnd() {
        Recorder r = new Recorder();
        SseParser p = SseParser.create(r);
        p.feed("data: a\r".getBytes(StandardCharsets.UTF_8));
        p.feed("\ndata: b\r".getBytes(StandardCharsets.UTF_8));
        p.feed("\n\r".getBytes(StandardCharsets.UTF_8));
        p.feed("\n".getBytes(StandardCharsets.UTF_8));
        assertThat(r.events).singleElement().extracting(SseEvent::data).isEqualTo("a\nb");
    }

    @Test
    void crFollowedByCrIsTwoLineEnds() {
        Recorder r = new Recorder();
        SseParser p = SseParser.create(r);
        p.feed("data: a\r".getBytes(StandardCharsets.UTF_8));
        p.feed("\r".getBytes(StandardCharsets.UTF_8));
        assertThat(r.events).hasSize(1);
    }

    @Test
    void aMultiByteCharacterSplitAcrossReadsIsDecodedWhole() {
        byte[] stream = "data: h\u00e9llo \u20ac \uD83D\uDE00\n\n".getBytes(StandardCharsets.UTF_8);
        Recorder r = new Recorder();
        SseParser p = SseParser.create(r);
        for (byte b : stream) {
            p.feed(new byte[] {b});
        }
        assertThat(r.events).singleElement().extracting(SseEvent::data).isEqualTo("h\u00e9llo \u20ac \uD83D\uDE00");
    }

    @Test
    void invalidUtf8BecomesReplacementCharacters() {
        byte[] stream = concat("data: a".getBytes(StandardCharsets.UTF_8),
                concat(new byte[] {(byte) 0xC3}, "b\n\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(parse(stream).events.get(0).data()).isEqualTo("a\uFFFDb");
    }

    @Test
    void anIncompleteEventAtTheEndOfTheStreamIsNotDispatched() {
        Recorder r = parse("data: a\n\ndata: b\n");
        assertThat(r.events).extracting(SseEvent::data).containsExactly("a");
    }

    @Test
    void resetDropsThePartialEventButKeepsTheLastEventId() {
        Recorder r = new Recorder();
        SseParser p = SseParser.create(r);
        p.feed("id: 4\ndata: a\n\nid: 5\ndata: half".getBytes(StandardCharsets.UTF_8));
        p.reset();
        p.feed("data: b\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(r.events).extracting(SseEvent::data).containsExactly("a", "b");
        assertThat(r.events.get(1).lastEventId()).isEqualTo("4");
    }

    @Test
    void aLineOverTheLimitFailsWithPayloadTooLargeAndTheParserStaysFailed() {
        Recorder r = new Recorder();
        SseParser p = SseParser.builder().maxLineBytes(16).build(r);
        p.feed("data: 123456789\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(r.events).hasSize(1);
        assertThatThrownBy(() -> p.feed("data: 12345678901".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(VoxwireException.class)
                .hasMessageContaining("16 bytes")
                .extracting(e -> ((VoxwireException) e).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        assertThatThrownBy(() -> p.feed("\n\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(VoxwireException.class);
        assertThat(r.events).hasSize(1);
    }

    @Test
    void aLongLineArrivingInPiecesIsCountedAcrossReads() {
        SseParser p = SseParser.builder().maxLineBytes(10).build(new Recorder());
        p.feed("data: ".getBytes(StandardCharsets.UTF_8));
        p.feed("1234".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> p.feed("5".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(VoxwireException.class);
    }

    @Test
    void eventDataOverTheLimitFails() {
        SseParser p = SseParser.builder().maxEventBytes(8).build(new Recorder());
        assertThatThrownBy(() -> p.feed("data: 1234\ndata: 5678\n\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(VoxwireException.class)
                .extracting(e -> ((VoxwireException) e).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> SseParser.builder().maxLineBytes(0))
                .hasMessage("maxLineBytes: 0 (expected: > 0)");
        assertThatThrownBy(() -> SseParser.builder().maxEventBytes(-1))
                .hasMessage("maxEventBytes: -1 (expected: > 0)");
    }

    @Test
    void feedingAByteBufConsumesItAndLeavesReleasingToTheCaller() {
        Recorder r = new Recorder();
        SseParser p = SseParser.create(r);
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer();
        try {
            buf.writeCharSequence("data: direct\n\n", StandardCharsets.UTF_8);
            p.feed(buf);
            assertThat(buf.isReadable()).isFalse();
            assertThat(buf.refCnt()).isEqualTo(1);
        } finally {
            buf.release();
        }
        assertThat(r.events).extracting(SseEvent::data).containsExactly("direct");
    }

    /** A stream exercising every rule at once. */
    private static byte[] everything() {
        String s = ": hello\r\n"
                + "retry: 2500\n"
                + "id: 1\nevent: system:connected\ndata: {\"type\":\"system:connected\"}\n\n"
                + "data: l\u00e9ngthy \u20ac\r\ndata:two\rdata\n\r"
                + "id: bad\0id\nevent: e\nevent: f\ndata:  spaced\n\n"
                + "event: empty\n\n"
                + "id\ndata: after-empty-id\r\n\r\n"
                + "no-colon-field\nid: 42\ndata: \uD83D\uDE00\n\n"
                + ":\n"
                + "data: unfinished";
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        return concat(bom, s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theSameStreamSplitAtEveryPositionGivesTheSameEvents() {
        byte[] stream = everything();
        Recorder whole = parse(stream);
        assertThat(whole.events).extracting(SseEvent::data).containsExactly(
                "{\"type\":\"system:connected\"}", "l\u00e9ngthy \u20ac\ntwo\n", " spaced", "after-empty-id", "\uD83D\uDE00");
        assertThat(whole.events).extracting(SseEvent::lastEventId).containsExactly("1", "1", "1", "", "42");
        assertThat(whole.events.get(2).type()).isEqualTo("f");
        assertThat(whole.retries).containsExactly(Duration.ofMillis(2500));
        assertThat(whole.comments).containsExactly("hello", "");

        for (int i = 0; i <= stream.length; i++) {
            for (int j = i; j <= stream.length; j += 7) {
                Recorder r = new Recorder();
                SseParser p = SseParser.create(r);
                p.feed(stream, 0, i);
                p.feed(stream, i, j - i);
                p.feed(stream, j, stream.length - j);
                assertThat(r.all).as("split at %d and %d", i, j).isEqualTo(whole.all);
            }
        }
    }

    @Test
    void randomChunkingsGiveTheSameEvents() {
        byte[] stream = everything();
        List<String> expected = parse(stream).all;
        SplittableRandom random = new SplittableRandom(42);
        for (int run = 0; run < 500; run++) {
            Recorder r = new Recorder();
            SseParser p = SseParser.create(r);
            int pos = 0;
            while (pos < stream.length) {
                int n = Math.min(stream.length - pos, random.nextInt(1, 6));
                p.feed(stream, pos, n);
                pos += n;
            }
            assertThat(r.all).as("run %d", run).isEqualTo(expected);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
