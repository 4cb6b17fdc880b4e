package dev.voxwire.testkit;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A forward proxy on loopback for testing clients that must go through a corporate proxy: an HTTP
 * {@code CONNECT} proxy ({@link #http()}), optionally demanding credentials
 * ({@link #httpRequiring(String, String)}), or a SOCKS5 proxy without authentication
 * ({@link #socks5()}). It tunnels bytes unchanged (so TLS passes through), and records each target
 * ({@link #targets()}) and each {@code Proxy-Authorization} value it was sent
 * ({@link #authorizations()}).
 *
 * <pre>{@code
 * try (TunnelProxy proxy = TunnelProxy.http()) {
 *     TransportConfig config = TransportConfig.builder(uri).proxy(ProxyOptions.http(proxy.address())).build();
 *     ...
 *     assertThat(proxy.targets()).contains("127.0.0.1:" + serverPort);
 * }
 * }</pre>
 *
 * <p>Plain blocking sockets, two daemon threads per tunnel; {@link #close()} closes every socket.
 */
public final class TunnelProxy implements AutoCloseable {
    private enum Kind { HTTP, SOCKS5 }

    private final Kind kind;
    private final String requiredAuthorization;
    private final ServerSocket server;
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "voxwire-tunnel-proxy");
        t.setDaemon(true);
        return t;
    });

    private TunnelProxy(Kind kind, String requiredAuthorization) {
        this.kind = kind;
        this.requiredAuthorization = requiredAuthorization;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback port for the proxy", e);
        }
        threads.execute(this::acceptLoop);
    }

    /** An HTTP CONNECT proxy that lets everyone through. */
    public static TunnelProxy http() {
        return new TunnelProxy(Kind.HTTP, "");
    }

    /** An HTTP CONNECT proxy that answers 407 unless the request carries these Basic credentials. */
    public static TunnelProxy httpRequiring(String username, String password) {
        String basic = "Basic " + java.util.Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new TunnelProxy(Kind.HTTP, basic);
    }

    /** A SOCKS5 proxy (no authentication, CONNECT only). */
    public static TunnelProxy socks5() {
        return new TunnelProxy(Kind.SOCKS5, "");
    }

    /** Where clients reach the proxy. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    /** Every tunnel target so far, as {@code host:port}, in order. */
    public List<String> targets() {
        return List.copyOf(targets);
    }

    /** Every {@code Proxy-Authorization} header value sent so far (HTTP only), in order. */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            Optional<String> target = kind == Kind.HTTP ? httpHandshake(client) : socksHandshake(client);
            if (target.isEmpty()) {
                closeQuietly(client);
                return;
            }
            String t = target.get();
            int colon = t.lastIndexOf(':');
            Socket upstream = new Socket(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1)));
            sockets.add(upstream);
            OutputStream out = client.getOutputStream();
            out.write(kind == Kind.HTTP
                    ? "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII)
                    : new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
            out.flush();
            threads.execute(() -> pump(upstream, client));
            pump(client, upstream);
        } catch (IOException | RuntimeException e) {
            closeQuietly(client);
        }
    }

    private Optional<String> httpHandshake(Socket client) throws IOException {
        String[] lines = readHead(client.getInputStream()).split("\r\n");
        String[] request = lines[0].split(" ");
        OutputStream out = client.getOutputStream();
        if (request.length < 2 || !request[0].equals("CONNECT")) {
            out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return Optional.empty();
        }
        String authorization = "";
        for (String l : lines) {
            if (l.toLowerCase(Locale.ROOT).startsWith("proxy-authorization:")) {
                authorization = l.substring(l.indexOf(':') + 1).trim();
                authorizations.add(authorization);
            }
        }
        if (!requiredAuthorization.isEmpty() && !requiredAuthorization.equals(authorization)) {
            out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                    + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return Optional.empty();
        }
        targets.add(request[1]);
        return Optional.of(request[1]);
    }

    private Optional<String> socksHandshake(Socket client) throws IOException {
        DataInputStream in = new DataInputStream(client.getInputStream());
        OutputStream out = client.getOutputStream();
        if (in.readUnsignedByte() != 5) {
            return Optional.empty();
        }
        in.readNBytes(in.readUnsignedByte()); // offered methods: we answer "no authentication"
        out.write(new byte[] {5, 0});
        int version = in.readUnsignedByte();
        int command = in.readUnsignedByte();
        in.readUnsignedByte(); // reserved
        int addressType = in.readUnsignedByte();
        String host = switch (addressType) {
            case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
            case 3 -> new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.US_ASCII);
            default -> InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
        };
        int port = in.readUnsignedShort();
        if (version != 5 || command != 1) {
            return Optional.empty();
        }
        String target = host + ":" + port;
        targets.add(target);
        return Optional.of(target);
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            int n = b.length();
            if (n >= 4 && b.charAt(n - 4) == '\r' && b.charAt(n - 3) == '\n' && b.charAt(n - 2) == '\r'
                    && b.charAt(n - 1) == '\n') {
                break;
            }
        }
        return b.toString();
    }

    private static void pump(Socket from, Socket to) {
        byte[] buf = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        sockets.forEach(TunnelProxy::closeQuietly);
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "TunnelProxy[" + kind + " on " + address() + ", " + targets.size() + " tunnels]";
    }
}
