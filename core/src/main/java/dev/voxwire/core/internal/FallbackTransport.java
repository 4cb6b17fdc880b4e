package dev.voxwire.core.internal;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorClassifier;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.EventDispatcher;
import dev.voxwire.core.RequestHandle;
import dev.voxwire.core.Subscription;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.TransportHealth;
import dev.voxwire.core.TransportListener;
import dev.voxwire.core.Transports;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.spi.TransportProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AudioTransport} over an ordered chain of providers: {@link #connect()} tries each
 * until one connects, falling back on the failures {@link Transports#isFallbackCause} allows.
 * Everything else is forwarded to the active delegate.
 *
 * <p>Events: listeners see the events of the active delegate through this transport's own
 * {@link EventDispatcher}. While a delegate that may still be abandoned is connecting, its events
 * are held back; they are delivered if it connects (or fails with no fallback), and dropped if
 * the transport falls back, in which case a {@link TransportEvent.TransportFallback} comes first.
 */
public final class FallbackTransport implements AudioTransport {
    private static final Logger log = LoggerFactory.getLogger(FallbackTransport.class);

    private final List<TransportProvider> chain;
    private final TransportConfig config;
    private final TransportEvent.@Nullable TransportFallback initialNotice;
    private final BiConsumer<String, ErrorCode> onFailed;
    private final Consumer<String> onConnected;
    private final EventDispatcher dispatcher;
    private final AtomicReference<@Nullable CompletableFuture<Void>> connectFuture = new AtomicReference<>();
    private final Object lock = new Object();

    // guarded by lock
    private AudioTransport active;
    private int index;
    private boolean holding;
    private final List<TransportEvent> held = new ArrayList<>();
    private volatile boolean closed;

    private FallbackTransport(List<TransportProvider> chain, TransportConfig config,
            TransportEvent.@Nullable TransportFallback initialNotice, BiConsumer<String, ErrorCode> onFailed,
            Consumer<String> onConnected) {
        this.chain = List.copyOf(chain);
        this.config = config;
        this.initialNotice = initialNotice;
        this.onFailed = onFailed;
        this.onConnected = onConnected;
        this.dispatcher = EventDispatcher.create("fallback[" + chain.get(0).name() + "]");
        synchronized (lock) {
            this.active = attach(0);
        }
    }

    /**
     * A transport trying {@code chain} in order. {@code initialNotice}, when set, is emitted at
     * the start of {@link #connect()} (a transport was skipped because it failed recently).
     * {@code onFailed} is told which provider failed with which code when falling back past it;
     * {@code onConnected} which provider connected.
     */
    public static FallbackTransport create(List<TransportProvider> chain, TransportConfig config,
            TransportEvent.@Nullable TransportFallback initialNotice, BiConsumer<String, ErrorCode> onFailed,
            Consumer<String> onConnected) {
        requireNonNull(chain, "chain");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain: [] (expected: at least one provider)");
        }
        return new FallbackTransport(chain, requireNonNull(config, "config"), initialNotice,
                requireNonNull(onFailed, "onFailed"), requireNonNull(onConnected, "onConnected"));
    }

    /** Creates delegate {@code i} and forwards its events. Holds {@code lock}. */
    private AudioTransport attach(int i) {
        AudioTransport t = chain.get(i).create(config);
        index = i;
        holding = i < chain.size() - 1;
        held.clear();
        t.onEvent(e -> forward(t, e));
        return t;
    }

    private void forward(AudioTransport from, TransportEvent e) {
        synchronized (lock) {
            if (from != active) {
                return;
            }
            if (holding) {
                held.add(e);
                return;
            }
            dispatcher.dispatch(e);
        }
    }

    /** The delegate in use now (changes when the transport falls back). */
    public AudioTransport active() {
        synchronized (lock) {
            return active;
        }
    }

    @Override
    public String name() {
        return active().name();
    }

    @Override
    public CompletionStage<Void> connect() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (!connectFuture.compareAndSet(null, f)) {
            return requireNonNull(connectFuture.get());
        }
        if (initialNotice != null) {
            dispatcher.dispatch(initialNotice);
        }
        AudioTransport first;
        synchronized (lock) {
            first = active;
        }
        attempt(first, f);
        return f;
    }

    private void attempt(AudioTransport t, CompletableFuture<Void> result) {
        CompletionStage<Void> stage;
        try {
            stage = t.connect();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((ok, failure) -> {
            if (failure == null) {
                succeeded(t, result);
            } else {
                failed(t, failure, result);
            }
        });
    }

    private void succeeded(AudioTransport t, CompletableFuture<Void> result) {
        String name;
        synchronized (lock) {
            if (t == active) {
                flushHeld();
            }
            name = chain.get(index).name();
        }
        onConnected.accept(name);
        result.complete(null);
    }

    private void failed(AudioTransport t, Throwable failure, CompletableFuture<Void> result) {
        VoxwireException error = ErrorClassifier.toException(failure);
        AudioTransport next = null;
        TransportEvent.TransportFallback notice = null;
        synchronized (lock) {
            if (t != active) {
                return;
            }
            boolean canFall = !closed && index < chain.size() - 1 && Transports.isFallbackCause(error.code());
            if (!canFall) {
                flushHeld();
            } else {
                String from = chain.get(index).name();
                String to = chain.get(index + 1).name();
                onFailed.accept(from, error.code());
                held.clear();
                notice = new TransportEvent.TransportFallback(from, to, error.code(),
                        String.valueOf(error.getMessage()));
                dispatcher.dispatch(notice);
                try {
                    next = attach(index + 1);
                    active = next;
                } catch (RuntimeException e) {
                    log.warn("transport '{}' could not be created after '{}' failed", to, from, e);
                    result.completeExceptionally(ErrorClassifier.toException(e));
                    closeQuietly(t);
                    return;
                }
            }
        }
        if (next == null) {
            result.completeExceptionally(error);
            return;
        }
        log.info("transport '{}' failed to connect ({}); falling back to '{}'", notice.from(), error.code(),
                notice.to());
        closeQuietly(t);
        if (closed) {
            closeQuietly(next);
            result.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "transport closed while connecting"));
            return;
        }
        attempt(next, result);
    }

    /** Holds {@code lock}. */
    private void flushHeld() {
        holding = false;
        List<TransportEvent> copy = new ArrayList<>(held);
        held.clear();
        for (TransportEvent e : copy) {
            dispatcher.dispatch(e);
        }
    }

    private static void closeQuietly(AudioTransport t) {
        try {
            t.closeAsync();
        } catch (RuntimeException e) {
            log.debug("closing abandoned transport {} threw", t.name(), e);
        }
    }

    @Override
    public RequestHandle send(Envelope request) {
        return active().send(request);
    }

    @Override
    public RequestHandle send(Envelope request, TransportListener listener) {
        return active().send(request, listener);
    }

    @Override
    public Subscription onEvent(TransportListener listener) {
        return dispatcher.addListener(listener);
    }

    @Override
    public ConnectionState state() {
        return active().state();
    }

    @Override
    public TransportHealth health() {
        return active().health();
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        closed = true;
        AudioTransport t;
        synchronized (lock) {
            t = active;
            // a close ends the fallback: the delegate's terminal events are the last ones
            flushHeld();
        }
        return t.closeAsync();
    }

    @Override
    public String toString() {
        return "FallbackTransport[active=" + name() + ", chain=" + chain.stream().map(TransportProvider::name).toList()
                + "]";
    }
}
