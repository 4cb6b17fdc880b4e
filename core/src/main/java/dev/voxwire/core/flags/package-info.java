/**
 * Feature flags and run-time configuration: {@link dev.voxwire.core.flags.FeatureFlags} layers
 * config sources, {@code VOXWIRE_*} environment variables, {@code voxwire.*} system properties
 * and run-time overrides, and tells listeners when an effective value changes.
 * {@link dev.voxwire.core.flags.ConfigSource} is the SPI for sources that can push updates.
 */
@NullMarked
package dev.voxwire.core.flags;

import org.jspecify.annotations.NullMarked;
