/**
 * Gemini Live as the model behind a Voxwire server's live bridge:
 * {@link dev.voxwire.gemini.bridge.GeminiLiveBackend} implements {@code voxwire-server-netty}'s
 * {@link dev.voxwire.server.live.LiveBackend}. Needs {@code voxwire-server-netty} on the class path
 * (an optional dependency of this module).
 */
@NullMarked
package dev.voxwire.gemini.bridge;

import org.jspecify.annotations.NullMarked;
