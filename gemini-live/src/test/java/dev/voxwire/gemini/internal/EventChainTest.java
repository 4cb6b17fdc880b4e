package dev.voxwire.gemini.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.ProxyOptions;
import dev.voxwire.core.TlsOptions;
import dev.voxwire.core.reliability.ManualTaskScheduler;
import dev.voxwire.core.reliability.ReconnectPolicy;
import dev.voxwire.gemini.LiveConfig;
import dev.voxwire.gemini.LiveEvent;
import dev.voxwire.gemini.LiveSession;
import dev.voxwire.gemini.Modality;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Listeners that send from inside a callback never recurse, however long the chain. */
class EventChainTest {
    private static final int EVENTS = 100_000;

    /** A wire whose server answers synchronously, inside {@code sendText}: the worst case for recursion. */
    static final class EchoWire implements Wire {
        @Override
        public CompletableFuture<Connection> open(Request request, Listener listener) {
            return CompletableFuture.completedFuture(new Connection() {
                private int n;

                @Override
                public CompletableFuture<Void> sendText(String text) {
                    if (text.startsWith("{\"setup\"")) {
                        listener.onMessage("{\"setupComplete\":{}}");
                    } else {
                        listener.onMessage("{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"text\":\"" + (n++)
                                + "\"}]},\"someFutureField\":1},\"alsoUnknown\":{}}");
                    }
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public CompletableFuture<Void> close(int code, String reason) {
                    listener.onClosed(code, reason);
                    return CompletableFuture.completedFuture(null);
                }
            });
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aHundredThousandReentrantEventsUseConstantStack() throws Exception {
        ManualTaskScheduler scheduler = ManualTaskScheduler.create();
        ClientSettings settings = new ClientSettings(new EchoWire(), scheduler,
                () -> new Credential("test-key-123456", false), URI.create("ws://127.0.0.1:1"), null,
                TlsOptions.ofDefaults(), ProxyOptions.none(), Duration.ofSeconds(1), Duration.ofSeconds(1),
                ReconnectPolicy.ofDefaults(), Duration.ofMillis(40), 1 << 20);
        AtomicInteger texts = new AtomicInteger();
        CompletableFuture<LiveSession> sessionRef = new CompletableFuture<>();
        CompletableFuture<Integer> done = new CompletableFuture<>();
        LiveSession session = LiveSessionImpl.connect(settings,
                LiveConfig.builder().responseModalities(Modality.TEXT).build(), event -> {
                    if (event instanceof LiveEvent.Text t) {
                        int n = texts.incrementAndGet();
                        assertThat(t.text()).isEqualTo(Integer.toString(n - 1));
                        if (n < EVENTS) {
                            sessionRef.join().sendText("again");
                        } else {
                            done.complete(n);
                        }
                    }
                }, s -> { }).get(5, TimeUnit.SECONDS);
        sessionRef.complete(session);
        session.sendText("start");
        assertThat(done.get(60, TimeUnit.SECONDS)).isEqualTo(EVENTS);
        session.closeAsync().get(5, TimeUnit.SECONDS);
        assertThat(session.closeFuture().join().code()).isEqualTo(1000);
    }
}
