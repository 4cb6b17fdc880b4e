package dev.voxwire.core;

import dev.voxwire.core.spi.TransportProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/** A provider of {@link FakeTransport}s that records what it created. */
public final class FakeProvider implements TransportProvider {
    private final String name;
    private volatile @Nullable ErrorCode connectFailure;
    private volatile boolean manual;
    public final List<FakeTransport> created = new CopyOnWriteArrayList<>();

    private FakeProvider(String name, @Nullable ErrorCode connectFailure) {
        this.name = name;
        this.connectFailure = connectFailure;
    }

    public static FakeProvider working(String name) {
        return new FakeProvider(name, null);
    }

    public static FakeProvider failing(String name, ErrorCode code) {
        return new FakeProvider(name, code);
    }

    /** Transports whose connect() stays pending until {@link FakeTransport#finishConnect} is called. */
    public static FakeProvider manual(String name) {
        FakeProvider p = new FakeProvider(name, null);
        p.manual = true;
        return p;
    }

    /** Later transports fail with {@code code} ({@code null}: connect). */
    public void failWith(@Nullable ErrorCode code) {
        this.connectFailure = code;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AudioTransport create(TransportConfig config) {
        FakeTransport t = new FakeTransport(name, connectFailure, manual);
        created.add(t);
        return t;
    }
}
