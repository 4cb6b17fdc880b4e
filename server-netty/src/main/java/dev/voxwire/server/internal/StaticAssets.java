package dev.voxwire.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo page's files, read once from {@code /dev/voxwire/server/static/} on the class path
 * (before any event loop needs them) and kept in memory with their content type and an ETag.
 * Only the files in {@link #FILES} are served: no path from a request ever reaches the class
 * loader.
 */
public final class StaticAssets {
    /** Class-path folder of the files. */
    public static final String BASE = "/dev/voxwire/server/static/";
    /** Every servable file; {@code index.html} is served at {@code /}, the others at {@code /static/NAME}. */
    public static final List<String> FILES = List.of("index.html", "app.css", "app.js", "connection.js", "audio.js",
            "pcm-worklet.js");

    /** One file: bytes, content type, strong ETag. */
    public record Asset(String name, byte[] bytes, String contentType, String etag) {
    }

    private static final class Holder {
        static final StaticAssets INSTANCE = load();
    }

    private final Map<String, Asset> assets;

    private StaticAssets(Map<String, Asset> assets) {
        this.assets = Map.copyOf(assets);
    }

    /** The assets, read on first use (call it from a non-event-loop thread at start to warm it). */
    public static StaticAssets get() {
        return Holder.INSTANCE;
    }

    /** The file called {@code name}, if it is one of {@link #FILES} and on the class path. */
    public Optional<Asset> find(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    /** The content type served for a file name, by its extension. */
    public static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json" -> "application/json; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "wav" -> "audio/wav";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            default -> "application/octet-stream";
        };
    }

    private static StaticAssets load() {
        Map<String, Asset> m = new HashMap<>();
        for (String name : FILES) {
            try (InputStream in = StaticAssets.class.getResourceAsStream(BASE + name)) {
                if (in == null) {
                    continue;
                }
                byte[] bytes = in.readAllBytes();
                m.put(name, new Asset(name, bytes, contentType(name), etag(bytes)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read static file " + name, e);
            }
        }
        if (!m.containsKey("index.html")) {
            byte[] page = "<!doctype html><title>Voxwire</title>".getBytes(StandardCharsets.UTF_8);
            m.put("index.html", new Asset("index.html", page, contentType("index.html"), etag(page)));
        }
        return new StaticAssets(m);
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 22) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
