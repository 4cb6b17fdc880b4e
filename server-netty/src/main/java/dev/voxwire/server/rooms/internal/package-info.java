/** In-memory implementations of the rooms SPIs and the rooms handler's internals. */
@NullMarked
package dev.voxwire.server.rooms.internal;

import org.jspecify.annotations.NullMarked;
