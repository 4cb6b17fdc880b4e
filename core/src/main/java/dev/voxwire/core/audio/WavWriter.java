package dev.voxwire.core.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** TEMP stub: writes PCM16 WAV. */
public final class WavWriter {
    private WavWriter() {
    }

    /** A RIFF/WAVE file holding the audio. */
    public static byte[] write(PcmAudio audio) {
        byte[] data = audio.data();
        ByteBuffer b = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + data.length).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) audio.channels())
                .putInt(audio.sampleRate()).putInt(audio.sampleRate() * audio.channels() * 2)
                .putShort((short) (audio.channels() * 2)).putShort((short) 16);
        b.putInt(0x61746164).putInt(data.length).put(data);
        return b.array();
    }
}
