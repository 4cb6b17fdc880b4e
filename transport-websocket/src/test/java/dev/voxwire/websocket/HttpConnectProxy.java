package dev.voxwire.websocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP CONNECT (or, with {@link #socks5()}, SOCKS5 without auth) proxy on loopback: plain
 * sockets, one thread per direction, recording each target as {@code host:port}.
 */
public final class HttpConnectProxy implements AutoCloseable {
    public final List<String> targets = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-connect-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private final boolean socks;

    public HttpConnectProxy() throws IOException {
        this(false);
    }

    private HttpConnectProxy(boolean socks) throws IOException {
        this.socks = socks;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** A SOCKS5 proxy (no authentication, CONNECT only). */
    public static HttpConnectProxy socks5() throws IOException {
        return new HttpConnectProxy(true);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
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
        if (socks) {
            serveSocks(client);
            return;
        }
        try {
            InputStream in = client.getInputStream();
            String head = readHead(in);
            String[] first = head.split("\r\n", 2)[0].split(" ");
            if (first.length < 2 || !first[0].equals("CONNECT")) {
                client.getOutputStream().write("HTTP/1.1 405 Method Not Allowed\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                client.close();
                return;
            }
            targets.add(first[1]);
            int colon = first[1].lastIndexOf(':');
            Socket upstream = new Socket(first[1].substring(0, colon), Integer.parseInt(first[1].substring(colon + 1)));
            sockets.add(upstream);
            client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            threads.execute(() -> pump(upstream, client));
            pump(client, upstream);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void serveSocks(Socket client) {
        try {
            java.io.DataInputStream in = new java.io.DataInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            if (in.readUnsignedByte() != 5) {
                client.close();
                return;
            }
            in.readNBytes(in.readUnsignedByte()); // offered methods
            out.write(new byte[] {5, 0});
            int ver = in.readUnsignedByte();
            int cmd = in.readUnsignedByte();
            in.readUnsignedByte();
            int atyp = in.readUnsignedByte();
            String host;
            if (atyp == 1) {
                host = InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
            } else if (atyp == 3) {
                host = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.US_ASCII);
            } else {
                host = InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
            }
            int port = in.readUnsignedShort();
            if (ver != 5 || cmd != 1) {
                client.close();
                return;
            }
            targets.add(host + ":" + port);
            Socket upstream = new Socket(host, port);
            sockets.add(upstream);
            out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
            threads.execute(() -> pump(upstream, client));
            pump(client, upstream);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            byte[] a = b.toByteArray();
            int n = a.length;
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                break;
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
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
            // ignored
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(HttpConnectProxy::closeQuietly);
        threads.shutdownNow();
    }
}
