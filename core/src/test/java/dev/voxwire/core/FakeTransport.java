package dev.voxwire.core;

import dev.voxwire.core.protocol.Envelope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory transport for core's tests: connect succeeds or fails as configured, and every
 * send is answered at once, synchronously, with a {@code Result} carrying the request.
 */
public final class FakeTransport implements AudioTransport {
    private final String name;
    private final @Nullable ErrorCode connectFailure;
    private final EventDispatcher dispatcher;
    private final ConnectionStateMachine machine;
    private final AtomicReference<@Nullable CompletableFuture<Void>> connect = new AtomicReference<>();
    private final AtomicInteger ids = new AtomicInteger();
    public final List<Envelope> sent = Collections.synchronizedList(new ArrayList<>());
    public volatile boolean closed;

    private final boolean manual;

    public FakeTransport(String name, @Nullable ErrorCode connectFailure) {
        this(name, connectFailure, false);
    }

    /** With {@code manual}, connect() stays pending until {@link #finishConnect} is called. */
    public FakeTransport(String name, @Nullable ErrorCode connectFailure, boolean manual) {
        this.manual = manual;
        this.name = name;
        this.connectFailure = connectFailure;
        this.dispatcher = EventDispatcher.create(name);
        this.machine = ConnectionStateMachine.create(dispatcher::dispatch);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<Void> connect() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (!connect.compareAndSet(null, f)) {
            return connect.get();
        }
        if (!machine.compareAndTransition(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING, null)) {
            f.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "closed"));
            return f;
        }
        if (!manual) {
            finishConnect(connectFailure);
        }
        return f;
    }

    /** Completes a pending connect: connected when {@code failure} is null, failed otherwise. */
    public void finishConnect(@Nullable ErrorCode failure) {
        CompletableFuture<Void> f = connect.get();
        if (f == null) {
            throw new IllegalStateException("connect() was not called");
        }
        if (failure == null) {
            machine.compareAndTransition(ConnectionState.CONNECTING, ConnectionState.CONNECTED, null);
            f.complete(null);
        } else {
            VoxwireException e = new VoxwireException(failure, name + " cannot connect");
            machine.compareAndTransition(ConnectionState.CONNECTING, ConnectionState.FAILED, failure);
            dispatcher.dispatch(TransportEvent.Error.of(e, null));
            dispatcher.dispatch(new TransportEvent.Closed(failure, "connect failed"));
            f.completeExceptionally(e);
        }
    }

    @Override
    public RequestHandle send(Envelope request) {
        Envelope withId = request.id() == null ? request.withId(name + "-" + ids.incrementAndGet()) : request;
        sent.add(withId);
        CompletableFuture<Envelope> result = CompletableFuture.completedFuture(withId);
        dispatcher.dispatch(new TransportEvent.Result(withId.id(), withId));
        return new RequestHandle() {
            @Override
            public String id() {
                return withId.id();
            }

            @Override
            public Envelope request() {
                return withId;
            }

            @Override
            public CompletionStage<Void> sent() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletionStage<Envelope> result() {
                return result;
            }

            @Override
            public Subscription onEvent(TransportListener listener) {
                return dispatcher.addRequestListener(withId.id(), listener);
            }

            @Override
            public boolean cancel() {
                return false;
            }
        };
    }

    @Override
    public Subscription onEvent(TransportListener listener) {
        return dispatcher.addListener(listener);
    }

    @Override
    public ConnectionState state() {
        return machine.state();
    }

    @Override
    public TransportHealth health() {
        return new TransportHealth(name, machine.state(), Instant.EPOCH, null, 0, 0, 0, null);
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        closed = true;
        ConnectionState s = machine.state();
        if (!s.isTerminal() && s != ConnectionState.CLOSING) {
            machine.transitionTo(ConnectionState.CLOSING, null);
            machine.transitionTo(ConnectionState.CLOSED, null);
            dispatcher.dispatch(new TransportEvent.Closed(null, "closed"));
        }
        return CompletableFuture.completedFuture(null);
    }
}
