/**
 * Voice notes: a small application that sends WAV recordings to a Voxwire server for analysis
 * over an {@link dev.voxwire.core.AudioTransport} and collects the results. Its tests use only
 * the testkit.
 */
@NullMarked
package dev.voxwire.examples.voicenotes;

import org.jspecify.annotations.NullMarked;
