package dev.voxwire.server.inject;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.voxwire.server.Authenticator;
import dev.voxwire.server.EventHandler;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import dev.voxwire.server.auth.JwtAuthenticator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;

/**
 * Guice wiring: binds {@link ServerConfig}, an {@link Authenticator} (a {@link JwtAuthenticator} with
 * the config's secret unless {@link #withAuthenticator}), the {@code Set<EventHandler>} multibinder
 * (add handlers from any module with
 * {@code Multibinder.newSetBinder(binder(), EventHandler.class).addBinding().to(MyHandler.class)}),
 * {@link MeterRegistry} to a {@link PrometheusMeterRegistry}, and an unstarted {@link VoxwireServer}.
 */
public final class VoxwireServerModule extends AbstractModule {
    private final ServerConfig config;
    private final Authenticator authenticator;

    private VoxwireServerModule(ServerConfig config, Authenticator authenticator) {
        this.config = config;
        this.authenticator = authenticator;
    }

    /** A module with the config and the default JWT authenticator. */
    public static VoxwireServerModule of(ServerConfig config) {
        requireNonNull(config, "config");
        return new VoxwireServerModule(config, JwtAuthenticator.of(config.jwtSecret()));
    }

    /** A copy with another authenticator. */
    public VoxwireServerModule withAuthenticator(Authenticator authenticator) {
        return new VoxwireServerModule(config, requireNonNull(authenticator, "authenticator"));
    }

    @Override
    protected void configure() {
        bind(ServerConfig.class).toInstance(config);
        bind(Authenticator.class).toInstance(authenticator);
        Multibinder.newSetBinder(binder(), EventHandler.class);
        bind(MeterRegistry.class).to(PrometheusMeterRegistry.class);
    }

    @Provides
    @Singleton
    PrometheusMeterRegistry prometheusMeterRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    @Provides
    @Singleton
    VoxwireServer server(ServerConfig config, Authenticator authenticator, Set<EventHandler> handlers,
            MeterRegistry registry) {
        return VoxwireServer.builder().config(config).authenticator(authenticator).handlers(handlers)
                .meterRegistry(registry).build();
    }
}
