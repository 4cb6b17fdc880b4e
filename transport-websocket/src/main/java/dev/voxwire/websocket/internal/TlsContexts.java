package dev.voxwire.websocket.internal;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TlsOptions;
import dev.voxwire.core.VoxwireException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client {@link SslContext}s built from core's {@link TlsOptions}, cached per distinct option set.
 * The JDK provider is used; hostname verification is set on each engine (see {@link Dialer}).
 */
public final class TlsContexts {
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

    private final Map<String, SslContext> cache = new ConcurrentHashMap<>();
    private final AtomicBoolean insecureWarned = new AtomicBoolean();

    /** The context for {@code tls}; the first insecure one logs a warning. */
    public SslContext context(TlsOptions tls) {
        if (tls.isInsecure() && insecureWarned.compareAndSet(false, true)) {
            log.warn("TLS certificate and hostname checks are OFF (TlsOptions.insecure()): "
                    + "use this for development only, never in production");
        }
        String key = tls.isInsecure() ? "insecure"
                : tls.trustedCertificatesPem().map(p -> "pem:" + p.toAbsolutePath()).orElse("jdk")
                        + (tls.verifyHostname() ? "" : ":no-hostname");
        SslContext cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        SslContext built = build(tls);
        SslContext raced = cache.putIfAbsent(key, built);
        return raced != null ? raced : built;
    }

    private static SslContext build(TlsOptions tls) {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .endpointIdentificationAlgorithm(tls.verifyHostname() && !tls.isInsecure() ? "HTTPS" : null);
        if (tls.isInsecure()) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else {
            Optional<Path> pem = tls.trustedCertificatesPem();
            if (pem.isPresent()) {
                Path p = pem.get();
                if (!Files.isReadable(p)) {
                    throw new VoxwireException(ErrorCode.NETWORK,
                            "TLS: trusted certificates file " + p + " is missing or not readable");
                }
                try {
                    b.trustManager(p.toFile());
                } catch (RuntimeException e) {
                    throw new VoxwireException(ErrorCode.NETWORK, "TLS: cannot read trusted certificates from "
                            + p + ": " + e.getMessage(), e);
                }
            }
        }
        try {
            return b.build();
        } catch (Exception e) {
            throw new VoxwireException(ErrorCode.NETWORK, "TLS: cannot build the client context"
                    + tls.trustedCertificatesPem().map(p -> " from " + p).orElse("") + ": " + e.getMessage(), e);
        }
    }
}
