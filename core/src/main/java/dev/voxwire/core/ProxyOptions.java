package dev.voxwire.core;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A proxy between a transport and its server: HTTP CONNECT or SOCKS5, optionally with credentials. */
public final class ProxyOptions {
    /** The proxy protocol. */
    public enum Type {
        NONE, HTTP, SOCKS5
    }

    private static final ProxyOptions NONE = new ProxyOptions(Type.NONE, null, null, null);

    private final Type type;
    private final @Nullable InetSocketAddress address;
    private final @Nullable String username;
    private final @Nullable String password;

    private ProxyOptions(Type type, @Nullable InetSocketAddress address, @Nullable String username,
            @Nullable String password) {
        this.type = type;
        this.address = address;
        this.username = username;
        this.password = password;
    }

    /** A direct connection. */
    public static ProxyOptions none() {
        return NONE;
    }

    /** An HTTP CONNECT proxy. */
    public static ProxyOptions http(InetSocketAddress address) {
        return new ProxyOptions(Type.HTTP, requireNonNull(address, "address"), null, null);
    }

    /** A SOCKS5 proxy. */
    public static ProxyOptions socks5(InetSocketAddress address) {
        return new ProxyOptions(Type.SOCKS5, requireNonNull(address, "address"), null, null);
    }

    /** A copy with credentials. */
    public ProxyOptions withCredentials(String username, String password) {
        if (type == Type.NONE) {
            throw new IllegalStateException("credentials need a proxy (type is NONE)");
        }
        return new ProxyOptions(type, address, requireNonNull(username, "username"),
                requireNonNull(password, "password"));
    }

    public Type type() {
        return type;
    }

    public Optional<InetSocketAddress> address() {
        return Optional.ofNullable(address);
    }

    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    @Override
    public String toString() {
        return type == Type.NONE ? "ProxyOptions{NONE}"
                : "ProxyOptions{" + type + " " + address + (username == null ? "" : ", user=" + username
                        + ", password=<redacted>") + "}";
    }
}
