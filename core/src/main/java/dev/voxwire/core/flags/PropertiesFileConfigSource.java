package dev.voxwire.core.flags;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.Subscription;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ConfigSource} reading a {@code .properties} file (UTF-8). {@link #reload()} reads it
 * again and, when the values differ, pushes the change; call it from a file watcher or a timer.
 * A missing file counts as empty, so a file can be added later. Thread-safe.
 */
public final class PropertiesFileConfigSource implements ConfigSource {
    private static final Logger log = LoggerFactory.getLogger(PropertiesFileConfigSource.class);

    private final Path path;
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private volatile Map<String, String> values;

    private PropertiesFileConfigSource(Path path) {
        this.path = path;
        this.values = read(path);
    }

    /**
     * A source for {@code path}, read at once.
     *
     * @throws UncheckedIOException when the file exists but cannot be read
     */
    public static PropertiesFileConfigSource of(Path path) {
        return new PropertiesFileConfigSource(requireNonNull(path, "path"));
    }

    /** The file. */
    public Path path() {
        return path;
    }

    @Override
    public String name() {
        return "file:" + path;
    }

    @Override
    public Map<String, String> values() {
        return values;
    }

    /**
     * Reads the file again; pushes an update when the values changed. Returns whether they did.
     * When the file cannot be read, the old values stay and the error is thrown.
     *
     * @throws UncheckedIOException when the file exists but cannot be read
     */
    public boolean reload() {
        Map<String, String> next = read(path);
        synchronized (this) {
            if (next.equals(values)) {
                return false;
            }
            values = next;
        }
        for (Runnable r : callbacks) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("config source {}: update callback threw", name(), e);
            }
        }
        return true;
    }

    @Override
    public Subscription onUpdate(Runnable callback) {
        requireNonNull(callback, "callback");
        callbacks.add(callback);
        return () -> callbacks.remove(callback);
    }

    private static Map<String, String> read(Path path) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            m.put(name, p.getProperty(name).trim());
        }
        return Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return "PropertiesFileConfigSource[" + path + "]";
    }
}
