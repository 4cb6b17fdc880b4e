package dev.voxwire.server.internal;

import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.reliability.EventRateLimiter;
import dev.voxwire.server.Authenticator;
import dev.voxwire.server.EventHandler;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.SessionListener;
import dev.voxwire.server.rooms.RoomsHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** Everything the handlers of one server share. */
public final class ServerRuntime {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ServerConfig config;
    private final EnvelopeCodec codec;
    private final Map<String, EventHandler> handlers;
    private final ServerMetrics metrics;
    private final ConnectionManagerImpl manager;
    private final Authenticator authenticator;
    private final Clock clock;
    private final ThreadPoolExecutor workerPool;
    private final EventRateLimiter limiter;
    private final java.util.Set<AbstractSession> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<SessionListener> listeners;
    private @Nullable RoomsHandler rooms;
    private volatile boolean draining;
    private volatile boolean ready;

    public ServerRuntime(ServerConfig config, EventTypes types, List<EventHandler> handlerList, MeterRegistry registry,
            Authenticator authenticator, Clock clock) {
        this(config, types, handlerList, List.of(), registry, authenticator, clock);
    }

    public ServerRuntime(ServerConfig config, EventTypes types, List<EventHandler> handlerList,
            List<SessionListener> extraListeners, MeterRegistry registry, Authenticator authenticator, Clock clock) {
        this.config = config;
        this.codec = EnvelopeCodec.builder().types(types).maxBytes(config.maxMessageBytes()).build();
        Map<String, EventHandler> map = new HashMap<>();
        for (EventHandler h : handlerList) {
            for (String type : h.types()) {
                if (type.equals(EventTypes.SYSTEM_PING) || type.equals(EventTypes.REQUEST_CANCEL)) {
                    throw new IllegalArgumentException("handler " + h + ": type '" + type + "' is served by the server itself");
                }
                if (!types.isKnown(type)) {
                    throw new IllegalArgumentException("handler " + h + ": type '" + type
                            + "' is not in the server's EventTypes (register its schema with eventTypes(...))");
                }
                EventHandler prev = map.putIfAbsent(type, h);
                if (prev != null) {
                    throw new IllegalArgumentException("type '" + type + "' has two handlers: " + prev + " and " + h);
                }
            }
        }
        this.handlers = Map.copyOf(map);
        List<SessionListener> ls = new java.util.ArrayList<>();
        for (EventHandler h : handlerList) {
            if (h instanceof SessionListener l && !ls.contains(l)) {
                ls.add(l);
            }
        }
        for (SessionListener l : extraListeners) {
            if (!ls.contains(l)) {
                ls.add(l);
            }
        }
        this.listeners = List.copyOf(ls);
        this.metrics = new ServerMetrics(registry);
        this.manager = new ConnectionManagerImpl(config.maxConnectionsPerUser(), this);
        this.metrics.connections(manager, m -> m.count("websocket"), m -> m.count("sse"));
        for (EventHandler h : handlerList) {
            if (h instanceof RoomsHandler r) {
                if (rooms == null) {
                    rooms = r;
                    this.metrics.rooms(r, RoomsHandler::roomCount);
                }
            }
        }
        this.authenticator = authenticator;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "voxwire-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.workerPool = new ThreadPoolExecutor(config.workerThreads(), config.workerThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.workerQueueSize()), tf, new ThreadPoolExecutor.AbortPolicy());
        this.limiter = EventRateLimiter.create(config.rateLimits(), clock);
    }

    public ServerConfig config() { return config; }
    public EnvelopeCodec codec() { return codec; }
    public @Nullable EventHandler handler(String type) { return handlers.get(type); }
    public ServerMetrics metrics() { return metrics; }
    public ConnectionManagerImpl manager() { return manager; }
    public Authenticator authenticator() { return authenticator; }
    public Clock clock() { return clock; }
    public ThreadPoolExecutor workerPool() { return workerPool; }
    public EventRateLimiter limiter() { return limiter; }
    /** Every open session, managed or not (one-request SSE streams), for the drain. */
    public java.util.Set<AbstractSession> live() { return live; }
    public boolean draining() { return draining; }
    public void draining(boolean d) { draining = d; }
    public boolean ready() { return ready && !draining; }
    public void ready(boolean r) { ready = r; }

    /** The rooms handler, when one is registered (serves the channels REST API). */
    public @Nullable RoomsHandler rooms() { return rooms; }

    /** The session listeners (handlers that are listeners, then the extra ones). */
    public List<SessionListener> listeners() { return listeners; }

    void sessionOpened(AbstractSession s) { notify(s, "opened"); }
    void sessionDetached(AbstractSession s) { notify(s, "detached"); }
    void sessionResumed(AbstractSession s) { notify(s, "resumed"); }
    void sessionClosed(AbstractSession s) { notify(s, "closed"); }

    private void notify(AbstractSession s, String what) {
        for (SessionListener l : listeners) {
            try {
                switch (what) {
                    case "opened" -> l.opened(s);
                    case "detached" -> l.detached(s);
                    case "resumed" -> l.resumed(s);
                    default -> l.closed(s);
                }
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ServerRuntime.class).atWarn().setMessage("session listener failed")
                        .addKeyValue("event", "listener.failed").addKeyValue("userId", s.userId())
                        .addKeyValue("metadata", Map.of("listener", l.getClass().getName(), "call", what)).setCause(e).log();
            }
        }
    }

    /** A random, URL-safe session id. */
    public static String newSessionId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
