/**
 * Voxwire gemini-live. See the module README.
 */
@NullMarked
package dev.voxwire.gemini;

import org.jspecify.annotations.NullMarked;
