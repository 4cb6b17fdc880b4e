/**
 * The {@code ./voxwire} command line ({@link dev.voxwire.cli.Main}): {@code serve}, {@code token},
 * {@code simulate-gemini} and the commands still to come. Options are parsed by one helper for
 * every command, and {@code serve} and {@code token} read the same configuration (defaults,
 * {@code --config FILE}, {@code VOXWIRE_JWT_SECRET}). Not a published API.
 */
@NullMarked
package dev.voxwire.cli;

import org.jspecify.annotations.NullMarked;
