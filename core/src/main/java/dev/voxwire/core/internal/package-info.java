/**
 * Implementation details of voxwire-core. Not API: may change in any release.
 */
@NullMarked
package dev.voxwire.core.internal;

import org.jspecify.annotations.NullMarked;
