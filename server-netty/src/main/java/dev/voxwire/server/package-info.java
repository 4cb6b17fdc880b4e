/**
 * Voxwire server-netty. See the module README.
 */
@NullMarked
package dev.voxwire.server;

import org.jspecify.annotations.NullMarked;
