/**
 * What plugin authors implement: {@link dev.voxwire.core.spi.TransportProvider}.
 */
@NullMarked
package dev.voxwire.core.spi;

import org.jspecify.annotations.NullMarked;
