/**
 * The wire protocol: {@link dev.voxwire.core.protocol.Envelope}, its JSON codec and the event
 * type registry. The reference is {@code docs/protocol.md}.
 */
@NullMarked
package dev.voxwire.core.protocol;

import org.jspecify.annotations.NullMarked;
