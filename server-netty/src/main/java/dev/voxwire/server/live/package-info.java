/**
 * The live bridge: a browser (or any client) session streams microphone audio and text to a live
 * model session on the server, and receives transcripts, text and audio back, while the model's
 * credentials stay on the server.
 *
 * <p>{@link dev.voxwire.server.live.LiveBridgeHandler} serves {@code live:start}, {@code live:audio},
 * {@code live:text} and {@code live:end}. The model side is the {@link dev.voxwire.server.live.LiveBackend}
 * SPI; {@code voxwire-gemini-live} provides one for Gemini Live (and its simulator).
 */
@NullMarked
package dev.voxwire.server.live;

import org.jspecify.annotations.NullMarked;
