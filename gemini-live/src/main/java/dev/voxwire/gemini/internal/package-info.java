/**
 * Implementation of the Gemini Live client: the wire abstraction over the WebSocket
 * connector, the JSON codec of the Live messages, the session state machine and the event
 * queue. Not API: may change at any time.
 */
@NullMarked
package dev.voxwire.gemini.internal;

import org.jspecify.annotations.NullMarked;
