/**
 * Guice wiring for voxwire-core: {@link dev.voxwire.core.inject.VoxwireCoreModule}. Guice is an
 * optional dependency; this is the only package of core that uses it.
 */
@NullMarked
package dev.voxwire.core.inject;

import org.jspecify.annotations.NullMarked;
