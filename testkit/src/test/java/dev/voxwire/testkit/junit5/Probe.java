package dev.voxwire.testkit.junit5;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the sample test classes saw, for the lifecycle tests that run them. */
final class Probe {
    static final List<Object> SEEN = new CopyOnWriteArrayList<>();
    static final List<Integer> PORTS = new CopyOnWriteArrayList<>();

    private Probe() {
    }

    static void reset() {
        SEEN.clear();
        PORTS.clear();
    }

    static void saw(Object resource, int port) {
        SEEN.add(resource);
        PORTS.add(port);
    }

    static long distinct() {
        return SEEN.stream().map(System::identityHashCode).distinct().count();
    }

    /** Whether something accepts TCP connections on the loopback port. */
    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
