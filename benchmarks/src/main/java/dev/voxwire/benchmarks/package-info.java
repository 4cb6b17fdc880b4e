/**
 * JMH benchmarks of Voxwire transports against an in-process server on loopback. Not published;
 * see {@code docs/benchmarks.md} for how to run them.
 */
@NullMarked
package dev.voxwire.benchmarks;

import org.jspecify.annotations.NullMarked;
