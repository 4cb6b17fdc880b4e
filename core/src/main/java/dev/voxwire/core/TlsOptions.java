package dev.voxwire.core;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * TLS settings shared by every transport. By default the JDK's trust store and hostname
 * verification are used. A PEM file of trusted certificates can replace the trust store, and
 * {@link #insecure()} turns all checks off (development only: transports log a warning).
 */
public final class TlsOptions {
    private static final TlsOptions DEFAULTS = new TlsOptions(null, false, true);

    private final @Nullable Path trustedCertificatesPem;
    private final boolean insecure;
    private final boolean verifyHostname;

    private TlsOptions(@Nullable Path pem, boolean insecure, boolean verifyHostname) {
        this.trustedCertificatesPem = pem;
        this.insecure = insecure;
        this.verifyHostname = verifyHostname;
    }

    /** The JDK trust store, hostname verification on. */
    public static TlsOptions ofDefaults() {
        return DEFAULTS;
    }

    /** Trust exactly the certificates in a PEM file (hostname verification stays on). */
    public static TlsOptions trusting(Path pemFile) {
        return new TlsOptions(requireNonNull(pemFile, "pemFile"), false, true);
    }

    /** Trust anything. For development only; transports log a warning when they use it. */
    public static TlsOptions insecure() {
        return new TlsOptions(null, true, false);
    }

    /** A copy with hostname verification switched on or off. */
    public TlsOptions withHostnameVerification(boolean verify) {
        return new TlsOptions(trustedCertificatesPem, insecure, verify);
    }

    /** The PEM file of trusted certificates, when the JDK trust store is replaced. */
    public Optional<Path> trustedCertificatesPem() {
        return Optional.ofNullable(trustedCertificatesPem);
    }

    /** Whether certificate checks are off. */
    public boolean isInsecure() {
        return insecure;
    }

    /** Whether the server's hostname is checked against its certificate. */
    public boolean verifyHostname() {
        return verifyHostname;
    }

    @Override
    public String toString() {
        return insecure ? "TlsOptions{INSECURE}"
                : "TlsOptions{trust=" + (trustedCertificatesPem == null ? "jdk" : trustedCertificatesPem)
                        + ", verifyHostname=" + verifyHostname + "}";
    }
}
