package dev.voxwire.webtests;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Generated 16-bit mono WAV files for the browser tests (no audio file is checked in). */
final class TestWavs {
    private TestWavs() {
    }

    /** One stretch of a WAV: a sine tone at {@code hz} (0 = silence) for {@code ms}. */
    record Part(double hz, int ms) {
    }

    /** Writes a 16-bit mono WAV at {@code rate} of the parts, tones at -12 dBFS with 5 ms fades. */
    static Path write(Path file, int rate, Part... parts) throws IOException {
        int total = 0;
        for (Part p : parts) {
            total += rate * p.ms() / 1000;
        }
        ByteBuffer b = ByteBuffer.allocate(44 + total * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + total * 2)
                .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2).putShort((short) 2)
                .putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(total * 2);
        double amplitude = 32767 * Math.pow(10, -12 / 20.0);
        int fade = rate * 5 / 1000;
        for (Part p : parts) {
            int n = rate * p.ms() / 1000;
            for (int i = 0; i < n; i++) {
                double v = 0;
                if (p.hz() > 0) {
                    double env = Math.min(1.0, Math.min(i, n - 1 - i) / (double) fade);
                    v = amplitude * env * Math.sin(2 * Math.PI * p.hz() * i / rate);
                }
                b.putShort((short) Math.round(v));
            }
        }
        Files.write(file, b.array());
        return file;
    }
}
