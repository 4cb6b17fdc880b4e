package dev.voxwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tunnel proxy with plain sockets: CONNECT with and without credentials, SOCKS5. */
class TunnelProxyTest {
    private ServerSocket echo;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try (Socket s = echo.accept()) {
                    s.getOutputStream().write(s.getInputStream().readNBytes(5));
                } catch (IOException e) {
                    return;
                }
            }
        }, "echo");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    private String target() {
        return "127.0.0.1:" + echo.getLocalPort();
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }

    @Test
    void httpConnectTunnelsBytesAndRecordsTheTarget() throws IOException {
        try (TunnelProxy proxy = TunnelProxy.http(); Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("CONNECT " + target() + " HTTP/1.1\r\nHost: " + target() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 200");
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("hello");
            assertThat(proxy.targets()).containsExactly(target());
        }
    }

    @Test
    void credentialsAreRequiredWhenAskedForAndRecorded() throws IOException {
        String good = "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
        try (TunnelProxy proxy = TunnelProxy.httpRequiring("u", "p")) {
            try (Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
                s.getOutputStream().write(("CONNECT " + target() + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 407").contains("Proxy-Authenticate: Basic");
            }
            try (Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
                s.getOutputStream().write(("CONNECT " + target() + " HTTP/1.1\r\nProxy-Authorization: " + good + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 200");
            }
            assertThat(proxy.targets()).containsExactly(target());
            assertThat(proxy.authorizations()).containsExactly(good);
            assertThat(proxy.toString()).doesNotContain(good);
        }
    }

    @Test
    void socks5ConnectTunnelsBytes() throws IOException {
        try (TunnelProxy proxy = TunnelProxy.socks5(); Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(new byte[] {5, 1, 0});
            assertThat(in.readNBytes(2)).containsExactly(5, 0);
            int port = echo.getLocalPort();
            out.write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port});
            assertThat(in.readNBytes(10)[1]).isZero();
            out.write("socks".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("socks");
            assertThat(proxy.targets()).containsExactly(target());
        }
    }
}
