/**
 * Implementation of the testkit: not API, may change at any time.
 */
@NullMarked
package dev.voxwire.testkit.internal;

import org.jspecify.annotations.NullMarked;
