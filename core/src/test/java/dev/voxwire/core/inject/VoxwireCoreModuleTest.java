package dev.voxwire.core.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.FakeProvider;
import dev.voxwire.core.FakeTransport;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.Transports;
import dev.voxwire.core.flags.FeatureFlags;
import dev.voxwire.core.spi.TransportProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class VoxwireCoreModuleTest {
    private static final TransportConfig CONFIG = TransportConfig.builder("ws://localhost:1/ws").build();

    /** Bound through the multibinder by class. */
    public static final class BoundProvider implements TransportProvider {
        @Override
        public String name() {
            return "bound";
        }

        @Override
        public AudioTransport create(TransportConfig config) {
            return new FakeTransport("bound", null);
        }
    }

    @Test
    void transportsGetsMultiboundAndServiceLoadedProviders() {
        FeatureFlags flags = FeatureFlags.of(Map.of(Transports.FLAG_TRANSPORT, "bound", Transports.FLAG_FALLBACK, ""));
        Injector injector = Guice.createInjector(VoxwireCoreModule.create(flags),
                binder -> VoxwireCoreModule.addTransportProvider(binder, BoundProvider.class));

        Transports transports = injector.getInstance(Transports.class);

        assertThat(transports.providerNames()).containsExactly("bound", ServiceLoadedTestProvider.NAME);
        assertThat(transports.provider(ServiceLoadedTestProvider.NAME).orElseThrow())
                .isInstanceOf(ServiceLoadedTestProvider.class);
        assertThat(transports.create(CONFIG).name()).isEqualTo("bound");
        assertThat(injector.getInstance(Transports.class)).as("singleton").isSameAs(transports);
        assertThat(injector.getInstance(FeatureFlags.class)).isSameAs(flags);
        assertThat(transports.flags()).isSameAs(flags);
    }

    @Test
    void aBoundProviderWinsOverADiscoveredOneWithTheSameName() {
        FakeProvider replacement = FakeProvider.working(ServiceLoadedTestProvider.NAME);
        Injector injector = Guice.createInjector(VoxwireCoreModule.create(FeatureFlags.empty()),
                binder -> VoxwireCoreModule.addTransportProvider(binder, replacement));

        Transports transports = injector.getInstance(Transports.class);

        assertThat(transports.provider(ServiceLoadedTestProvider.NAME)).containsSame(replacement);
    }

    @Test
    void withoutDiscoveryOnlyBoundProvidersCount() {
        Injector injector = Guice.createInjector(VoxwireCoreModule.create(FeatureFlags.empty()).withoutDiscovery(),
                binder -> VoxwireCoreModule.addTransportProvider(binder, BoundProvider.class));

        assertThat(injector.getInstance(Transports.class).providerNames()).containsExactly("bound");
    }

    @Test
    void withoutFlagsTheEnvironmentIsUsedOnce() {
        Injector injector = Guice.createInjector(VoxwireCoreModule.create());

        FeatureFlags flags = injector.getInstance(FeatureFlags.class);

        assertThat(injector.getInstance(FeatureFlags.class)).isSameAs(flags);
        assertThat(injector.getInstance(Transports.class).providerNames()).contains(ServiceLoadedTestProvider.NAME);
    }

    @Test
    void installingTheModuleTwiceIsHarmless() {
        FeatureFlags flags = FeatureFlags.empty();
        Injector injector = Guice.createInjector(VoxwireCoreModule.create(flags), VoxwireCoreModule.create(flags));

        assertThat(injector.getInstance(Transports.class)).isNotNull();
    }

    @Test
    void plainServiceLoaderDiscoveryWorksWithoutGuice() {
        Transports transports = Transports.builder().discoverProviders().build();

        assertThat(transports.providerNames()).contains(ServiceLoadedTestProvider.NAME);
    }

    @Test
    void onlyTheInjectPackageImportsGuice() throws Exception {
        Path main = Path.of("src/main/java/dev/voxwire/core");
        try (Stream<Path> files = Files.walk(main)) {
            assertThat(files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.startsWith(main.resolve("inject")))
                    .filter(p -> {
                        try {
                            return Files.readString(p).contains("com.google.inject");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }))
                    .isEmpty();
        }
    }
}
