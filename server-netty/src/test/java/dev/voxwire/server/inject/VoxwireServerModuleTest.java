package dev.voxwire.server.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.multibindings.Multibinder;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.server.EventHandler;
import dev.voxwire.server.RequestContext;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VoxwireServerModuleTest {
    static final class PingLike implements EventHandler {
        @Override
        public Set<String> types() {
            return Set.of("conversation:message");
        }

        @Override
        public void handle(Envelope request, RequestContext ctx) {
            ctx.complete("conversation:reply", request.payload());
        }
    }

    @Test
    void bindsAServerWithTheMultiboundHandlersAndAPrometheusRegistry() {
        Injector injector = Guice.createInjector(VoxwireServerModule.of(ServerConfig.builder().port(0).build()),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        Multibinder.newSetBinder(binder(), EventHandler.class).addBinding().to(PingLike.class);
                    }
                });
        assertThat(injector.getInstance(MeterRegistry.class)).isInstanceOf(PrometheusMeterRegistry.class);
        assertThat(injector.getInstance(MeterRegistry.class)).isSameAs(injector.getInstance(PrometheusMeterRegistry.class));
        assertThat(injector.getInstance(new com.google.inject.Key<Set<EventHandler>>() { })).hasSize(1);
        VoxwireServer server = injector.getInstance(VoxwireServer.class);
        assertThat(server).isSameAs(injector.getInstance(VoxwireServer.class));
        server.start();
        try {
            assertThat(server.port()).isPositive();
            assertThat(server.meterRegistry()).isSameAs(injector.getInstance(MeterRegistry.class));
        } finally {
            server.close(Duration.ofSeconds(1));
        }
    }
}
