package dev.voxwire.core.inject;

import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.FakeTransport;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.spi.TransportProvider;

/** Listed in META-INF/services of core's tests, to check ServiceLoader discovery. */
public final class ServiceLoadedTestProvider implements TransportProvider {
    public static final String NAME = "loopback-test";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AudioTransport create(TransportConfig config) {
        return new FakeTransport(NAME, null);
    }
}
