/**
 * A Gemini Live API simulator for tests: {@link dev.voxwire.testkit.gemini.GeminiLiveSimulator}
 * is a local WebSocket server that speaks the {@code BidiGenerateContent} wire protocol,
 * validates like the service, answers as a deterministic echo model, and can be scripted
 * ({@link dev.voxwire.testkit.gemini.SimulatorScript}, {@link dev.voxwire.testkit.gemini.ScriptedTurn})
 * to return tool calls, transcripts and faults.
 */
@NullMarked
package dev.voxwire.testkit.gemini;

import org.jspecify.annotations.NullMarked;
