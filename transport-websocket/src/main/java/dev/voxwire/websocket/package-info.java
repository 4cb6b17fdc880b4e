/**
 * Voxwire transport-websocket. See the module README.
 */
@NullMarked
package dev.voxwire.websocket;

import org.jspecify.annotations.NullMarked;
