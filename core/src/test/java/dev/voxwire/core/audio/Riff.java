package dev.voxwire.core.audio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds RIFF files chunk by chunk, valid or deliberately broken, for reader tests. */
final class Riff {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final String riffId;
    private final String formType;

    private Riff(String riffId, String formType) {
        this.riffId = riffId;
        this.formType = formType;
    }

    static Riff wave() {
        return new Riff("RIFF", "WAVE");
    }

    static Riff of(String riffId, String formType) {
        return new Riff(riffId, formType);
    }

    /** A chunk with its real size and, when odd, a pad byte. */
    Riff chunk(String id, byte[] data) {
        return chunk(id, data.length, data, true);
    }

    /** A chunk whose header states {@code declaredSize}, whatever the data length. */
    Riff chunk(String id, long declaredSize, byte[] data, boolean pad) {
        body.writeBytes(id.getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(le32(declaredSize));
        body.writeBytes(data);
        if (pad && (data.length & 1) == 1) {
            body.write(0);
        }
        return this;
    }

    /** Raw bytes appended to the body, outside any chunk. */
    Riff raw(byte[] bytes) {
        body.writeBytes(bytes);
        return this;
    }

    Riff fmt(int tag, int channels, int rate, int bits) {
        int align = channels * bits / 8;
        return fmt(tag, channels, rate, (long) rate * align, align, bits);
    }

    Riff fmt(int tag, int channels, long rate, long byteRate, int align, int bits) {
        return chunk("fmt ", fmtBytes(tag, channels, rate, byteRate, align, bits));
    }

    /** A 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk with the standard GUID for {@code subFormat}. */
    Riff fmtExtensible(int subFormat, int channels, int rate, int bits, int validBits) {
        byte[] guidTail = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38,
            (byte) 0x9B, 0x71};
        return fmtExtensible(subFormat, guidTail, channels, rate, bits, validBits);
    }

    Riff fmtExtensible(int subFormat, byte[] guidTail, int channels, int rate, int bits, int validBits) {
        int align = channels * bits / 8;
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        b.put(fmtBytes(0xFFFE, channels, rate, (long) rate * align, align, bits));
        b.putShort((short) 22).putShort((short) validBits).putInt(channels == 2 ? 3 : 4);
        b.putShort((short) subFormat).put(guidTail);
        return chunk("fmt ", b.array());
    }

    Riff data(byte[] samples) {
        return chunk("data", samples);
    }

    /** The file, with the RIFF size computed from the body. */
    byte[] bytes() {
        return bytes(4L + body.size());
    }

    /** The file with a given RIFF size. */
    byte[] bytes(long riffSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(riffId.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(le32(riffSize));
        out.writeBytes(formType.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static byte[] fmtBytes(int tag, int channels, long rate, long byteRate, int align, int bits) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) tag).putShort((short) channels).putInt((int) rate).putInt((int) byteRate)
                .putShort((short) align).putShort((short) bits).array();
    }

    static byte[] le32(long v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }
}
