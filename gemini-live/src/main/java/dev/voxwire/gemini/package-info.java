/**
 * The Gemini Live API client: {@link dev.voxwire.gemini.GeminiLiveClient} opens
 * {@link dev.voxwire.gemini.LiveSession}s configured by {@link dev.voxwire.gemini.LiveConfig};
 * the service's messages arrive as {@link dev.voxwire.gemini.LiveEvent}s. Sessions survive
 * {@code goAway} (handover to a new connection with the latest resumption handle) and
 * retryable closes (1011, network loss) by reconnecting with resumption.
 * {@link dev.voxwire.gemini.GeminiLiveTransport} exposes a session as a core
 * {@link dev.voxwire.core.AudioTransport} named {@code gemini-live}. See the module README.
 */
@NullMarked
package dev.voxwire.gemini;

import org.jspecify.annotations.NullMarked;
