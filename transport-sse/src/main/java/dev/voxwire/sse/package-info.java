/**
 * Voxwire transport-sse. See the module README.
 */
@NullMarked
package dev.voxwire.sse;

import org.jspecify.annotations.NullMarked;
