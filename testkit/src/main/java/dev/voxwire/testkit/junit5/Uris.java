package dev.voxwire.testkit.junit5;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** URI helpers: literal addresses, so clients never resolve (or mis-resolve) {@code localhost}. */
final class Uris {
    private Uris() {
    }

    static String hostOf(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        if (ip == null) {
            return a.getHostString();
        }
        String literal = ip.getHostAddress();
        return ip instanceof Inet6Address ? "[" + literal + "]" : literal;
    }
}
