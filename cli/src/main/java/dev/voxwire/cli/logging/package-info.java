/**
 * Logging of the {@code ./voxwire} application: {@link dev.voxwire.cli.logging.JsonLineEncoder}
 * writes each log event as one JSON line with top-level {@code timestamp}, {@code level},
 * {@code event}, {@code userId}, {@code clientId}, {@code room} and {@code metadata};
 * {@link dev.voxwire.cli.logging.LogFormatEncoder} chooses it or a readable text line from
 * {@code VOXWIRE_LOG_FORMAT} (see the cli's {@code logback.xml}).
 */
@NullMarked
package dev.voxwire.cli.logging;

import org.jspecify.annotations.NullMarked;
