/**
 * Audio utilities shared by clients and the server: {@link dev.voxwire.core.audio.AudioFormat}
 * (encoding, rate, channels), the immutable buffer {@link dev.voxwire.core.audio.PcmAudio}, a
 * strict WAV reader and writer ({@link dev.voxwire.core.audio.WavReader},
 * {@link dev.voxwire.core.audio.WavWriter}), band-limited rate and channel conversion to 16-bit
 * PCM ({@link dev.voxwire.core.audio.AudioConverter}, and its chunk-by-chunk form
 * {@link dev.voxwire.core.audio.StreamingConverter}), decoding of the wire formats {@code wav}
 * and {@code pcm16} ({@link dev.voxwire.core.audio.AudioDecoder}) and splitting into fixed-length
 * chunks ({@link dev.voxwire.core.audio.AudioChunker}).
 *
 * <p>Audio that is malformed or that Voxwire cannot handle (unknown codec, unsupported sample
 * width, rate or channel count, truncated data) is reported as a
 * {@link dev.voxwire.core.VoxwireException} with
 * {@link dev.voxwire.core.ErrorCode#UNSUPPORTED_AUDIO} and a message that says what was wrong.
 * All types here are immutable and thread-safe except {@code StreamingConverter}, which keeps
 * state between chunks.
 */
@NullMarked
package dev.voxwire.core.audio;

import org.jspecify.annotations.NullMarked;
