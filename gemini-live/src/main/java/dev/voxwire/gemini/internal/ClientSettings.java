package dev.voxwire.gemini.internal;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ProxyOptions;
import dev.voxwire.core.TlsOptions;
import dev.voxwire.core.reliability.ReconnectPolicy;
import dev.voxwire.core.reliability.TaskScheduler;
import dev.voxwire.gemini.ApiVersion;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What every session of one client shares. {@code credentials} is asked on every connection
 * (it throws a {@code VoxwireException} with {@code AUTH_FAILED} for a missing or malformed one).
 */
public record ClientSettings(
        Wire wire,
        TaskScheduler scheduler,
        Supplier<Credential> credentials,
        URI baseUri,
        @Nullable ApiVersion apiVersion,
        TlsOptions tls,
        ProxyOptions proxy,
        Duration connectTimeout,
        Duration setupTimeout,
        ReconnectPolicy reconnect,
        Duration audioChunk,
        int maxBufferedBytes) {

    /** The Live service's path format: API version, then method. */
    public static final String PATH_FORMAT = "/ws/google.ai.generativelanguage.%s.GenerativeService.%s";

    public ClientSettings {
        requireNonNull(wire, "wire");
        requireNonNull(scheduler, "scheduler");
        requireNonNull(credentials, "credentials");
        requireNonNull(baseUri, "baseUri");
        requireNonNull(tls, "tls");
        requireNonNull(proxy, "proxy");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(setupTimeout, "setupTimeout");
        requireNonNull(reconnect, "reconnect");
        requireNonNull(audioChunk, "audioChunk");
    }

    /** The WebSocket endpoint for a credential, without the credential. */
    public static URI endpoint(URI base, @Nullable ApiVersion apiVersion, boolean ephemeral) {
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "http":
                scheme = "ws";
                break;
            case "https":
                scheme = "wss";
                break;
            case "ws":
            case "wss":
                break;
            default:
                throw new IllegalArgumentException("baseUri: " + Secrets.redactUri(base)
                        + " (expected: ws://, wss://, http:// or https://)");
        }
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        if (!path.contains("/ws/")) {
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            ApiVersion v = apiVersion != null ? apiVersion : ephemeral ? ApiVersion.V1ALPHA : ApiVersion.V1BETA;
            path = path + String.format(PATH_FORMAT, v.path(),
                    ephemeral ? "BidiGenerateContentConstrained" : "BidiGenerateContent");
        }
        String authority = base.getRawAuthority();
        return URI.create(scheme + "://" + authority + path);
    }

    /** The connection request for {@code credential}: the key in {@code x-goog-api-key}, a token in {@code access_token}. */
    public Wire.Request request(Credential credential) {
        URI uri = endpoint(baseUri, apiVersion, credential.ephemeral());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (credential.ephemeral()) {
            uri = URI.create(uri + "?access_token=" + URLEncoder.encode(credential.secret(), StandardCharsets.UTF_8));
        } else {
            headers.put("x-goog-api-key", List.of(credential.secret()));
        }
        return new Wire.Request(uri, Map.copyOf(headers), tls, proxy, connectTimeout);
    }

    @Override
    public String toString() {
        return "ClientSettings{baseUri=" + Secrets.redactUri(baseUri) + ", apiVersion=" + apiVersion
                + ", tls=" + tls + ", proxy=" + proxy + ", connectTimeout=" + connectTimeout
                + ", setupTimeout=" + setupTimeout + ", reconnect=" + reconnect + "}";
    }
}
