/**
 * Voxwire testkit. See the module README.
 */
@NullMarked
package dev.voxwire.testkit;

import org.jspecify.annotations.NullMarked;
