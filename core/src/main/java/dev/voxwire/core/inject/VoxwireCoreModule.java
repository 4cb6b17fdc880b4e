package dev.voxwire.core.inject;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.voxwire.core.Transports;
import dev.voxwire.core.flags.FeatureFlags;
import dev.voxwire.core.spi.TransportProvider;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Wires voxwire-core into Guice: binds {@link FeatureFlags} (from the process's system
 * properties and environment unless given), a {@code Multibinder<TransportProvider>} that other
 * modules add to with {@link #addTransportProvider}, and a singleton {@link Transports} built from
 * the bound providers plus those found by {@link java.util.ServiceLoader} whose names are not
 * bound already.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(VoxwireCoreModule.create(), binder ->
 *         VoxwireCoreModule.addTransportProvider(binder, MyTransportProvider.class));
 * AudioTransport t = injector.getInstance(Transports.class).create(config);
 * }</pre>
 */
public final class VoxwireCoreModule extends AbstractModule {
    private final @Nullable FeatureFlags flags;
    private final boolean discover;

    private VoxwireCoreModule(@Nullable FeatureFlags flags, boolean discover) {
        this.flags = flags;
        this.discover = discover;
    }

    /** Flags from the environment, providers bound and discovered. */
    public static VoxwireCoreModule create() {
        return new VoxwireCoreModule(null, true);
    }

    /** Binds {@code flags} instead of {@link FeatureFlags#fromEnvironment()}. */
    public static VoxwireCoreModule create(FeatureFlags flags) {
        return new VoxwireCoreModule(requireNonNull(flags, "flags"), true);
    }

    /** A copy that uses only bound providers (no {@link java.util.ServiceLoader} discovery). */
    public VoxwireCoreModule withoutDiscovery() {
        return new VoxwireCoreModule(flags, false);
    }

    /** Adds {@code provider} to the transport multibinder of {@code binder}. */
    public static void addTransportProvider(Binder binder, Class<? extends TransportProvider> provider) {
        requireNonNull(binder, "binder");
        requireNonNull(provider, "provider");
        Multibinder.newSetBinder(binder, TransportProvider.class).addBinding().to(provider);
    }

    /** Adds a provider instance to the transport multibinder of {@code binder}. */
    public static void addTransportProvider(Binder binder, TransportProvider provider) {
        requireNonNull(binder, "binder");
        requireNonNull(provider, "provider");
        Multibinder.newSetBinder(binder, TransportProvider.class).addBinding().toInstance(provider);
    }

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), TransportProvider.class);
        if (flags != null) {
            bind(FeatureFlags.class).toInstance(flags);
        } else {
            bind(FeatureFlags.class).toProvider(FeatureFlags::fromEnvironment).in(Singleton.class);
        }
    }

    @Provides
    @Singleton
    Transports transports(FeatureFlags featureFlags, Set<TransportProvider> bound) {
        Transports.Builder b = Transports.builder().flags(featureFlags).providers(bound);
        if (discover) {
            b.discoverProviders(VoxwireCoreModule.class.getClassLoader());
        }
        return b.build();
    }

    // Guice de-duplicates modules that are equal, so installing the core module twice is harmless.
    @Override
    public boolean equals(Object o) {
        return o instanceof VoxwireCoreModule m && m.flags == flags && m.discover == discover;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(flags) * 31 + (discover ? 1 : 0);
    }

    @Override
    public String toString() {
        return "VoxwireCoreModule[flags=" + (flags == null ? "environment" : "given") + ", discover=" + discover + "]";
    }
}
