/**
 * Audio analysis for {@code audio:analyze} requests.
 *
 * <p>{@link dev.voxwire.server.analysis.AnalysisHandler} serves the event: it decodes the base64
 * audio ({@code wav} or raw {@code pcm16}) on the request's worker, converts it to 16 kHz mono,
 * sends {@code analysis:progress} events and finally one {@code analysis:result} (or an
 * {@code error}). The analysis itself is pluggable through {@link dev.voxwire.server.AudioAnalyzer};
 * the built-in {@link dev.voxwire.server.analysis.DefaultAudioAnalyzer} ({@code energy-pitch})
 * measures levels (RMS and peak dBFS), finds voiced segments with a frame-energy detector with
 * hysteresis and hangover, and estimates the median pitch of voiced audio with the YIN method.
 * Its measures are also available typed, as {@link dev.voxwire.server.analysis.AudioMeasures}.
 */
@NullMarked
package dev.voxwire.server.analysis;

import org.jspecify.annotations.NullMarked;
