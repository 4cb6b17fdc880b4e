/**
 * TEMPORARY stub of core's audio API (PCM, WAV, conversion), replaced at merge by the real one.
 */
@NullMarked
package dev.voxwire.core.audio;

import org.jspecify.annotations.NullMarked;
