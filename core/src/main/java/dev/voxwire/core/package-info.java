/**
 * The transport-neutral API of Voxwire: {@link dev.voxwire.core.AudioTransport},
 * {@link dev.voxwire.core.TransportEvent}, {@link dev.voxwire.core.ErrorCode}, the connection
 * lifecycle ({@link dev.voxwire.core.ConnectionStateMachine}) and the
 * {@link dev.voxwire.core.Transports} factory.
 */
@NullMarked
package dev.voxwire.core;

import org.jspecify.annotations.NullMarked;
