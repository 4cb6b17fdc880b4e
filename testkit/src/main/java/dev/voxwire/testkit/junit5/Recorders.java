package dev.voxwire.testkit.junit5;

import dev.voxwire.testkit.RecordingListener;
import java.lang.reflect.Parameter;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;

/**
 * {@link RecordingListener} parameters. Every extension of this package can resolve them, so a
 * test needs no extra registration; when several are registered, the first one JUnit asks claims
 * the parameter (JUnit refuses a parameter two resolvers support).
 */
final class Recorders {
    private Recorders() {
    }

    /** Whether {@code resolver} resolves this parameter: a {@code RecordingListener} it claimed first. */
    static boolean supports(Object resolver, ParameterContext pc, ExtensionContext ec) {
        if (pc.getParameter().getType() != RecordingListener.class) {
            return false;
        }
        Object claimant = ec.getStore(ExtensionLifecycle.NAMESPACE)
                .getOrComputeIfAbsent(new Claim(pc.getParameter(), ec.getUniqueId()), k -> resolver);
        return claimant == resolver;
    }

    /** The recorder of this test (or class, for {@code @BeforeAll} methods): one per context. */
    static RecordingListener resolve(ExtensionContext ec) {
        return ec.getStore(ExtensionLifecycle.NAMESPACE).getOrComputeIfAbsent(
                new PerContext(ec.getUniqueId()), k -> RecordingListener.create(), RecordingListener.class);
    }

    private record Claim(Parameter parameter, String context) {
    }

    private record PerContext(String context) {
    }
}
