/** Guice wiring of the server: {@link dev.voxwire.server.inject.VoxwireServerModule}. */
@NullMarked
package dev.voxwire.server.inject;

import org.jspecify.annotations.NullMarked;
