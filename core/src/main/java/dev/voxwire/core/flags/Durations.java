package dev.voxwire.core.flags;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of Voxwire's flags, config files and command lines: ISO-8601
 * ({@code PT30S}) or a whole number with a unit ({@code 500ms}, {@code 30s}, {@code 2m},
 * {@code 1h}, {@code 1d}).
 */
public final class Durations {
    private static final Pattern FRIENDLY = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /** The duration {@code text} denotes, or empty when it is not one. */
    public static Optional<Duration> tryParse(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.charAt(0) == 'P' || s.charAt(0) == 'p' || s.startsWith("-P")) {
            try {
                return Optional.of(Duration.parse(s));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        Matcher m = FRIENDLY.matcher(s.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            long n = Long.parseLong(m.group(1));
            return Optional.of(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /**
     * The duration {@code text} denotes.
     *
     * @throws IllegalArgumentException naming {@code name} and the bad text
     */
    public static Duration parse(String name, String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException(
                name + ": " + text + " (expected: a duration such as PT30S, 250ms, 30s, 5m, 1h)"));
    }
}
