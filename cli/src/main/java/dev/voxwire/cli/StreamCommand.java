package dev.voxwire.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.AudioRequest;
import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.ErrorClassifier;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.RequestHandle;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.Transports;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.AudioConverter;
import dev.voxwire.core.audio.AudioFormat;
import dev.voxwire.core.audio.PcmAudio;
import dev.voxwire.core.audio.WavReader;
import dev.voxwire.core.flags.Durations;
import dev.voxwire.core.flags.FeatureFlags;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code voxwire stream --transport websocket|sse --url URL --token T (--file a.wav | --message TEXT)
 * [--repeat N] [--concurrency C]}: sends the audio for analysis (or a conversation message)
 * {@code N} times, at most {@code C} at once, over one transport created by core's
 * {@link Transports} (so any transport whose module is on the class path plugs in by name), and
 * prints every event as one JSON line on stdout: state changes, reconnects, progress, results,
 * errors, then a {@code summary} line.
 *
 * <p>Exit codes: 0 when every request got its result; {@value #EXIT_REQUEST_FAILED} when at
 * least one failed; {@value #EXIT_CONNECT_FAILED} when the transport could not connect; 64 for a
 * usage error. The error code is printed on stderr ({@code voxwire stream: AUTH_FAILED: ...}).
 */
final class StreamCommand implements Main.Command {
    /** Exit code: at least one request failed. */
    static final int EXIT_REQUEST_FAILED = 2;
    /** Exit code: the transport could not connect (or failed for good before the end). */
    static final int EXIT_CONNECT_FAILED = 3;

    private static final Set<String> OPTIONS = Set.of("--transport", "--url", "--token", "--file", "--message",
            "--repeat", "--concurrency", "--timeout", "--connect-timeout", "--wire-log");

    @Override
    public String summary() {
        return "send an audio file or a message over a transport; print events as JSON lines";
    }

    @Override
    public String usage() {
        return "voxwire stream --transport websocket|sse --url URL [--token T] (--file a.wav | --message TEXT)"
                + " [--repeat N] [--concurrency C] [--timeout 2m] [--connect-timeout 10s] [--wire-log true]";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Args a;
        TransportConfig config;
        Envelope request;
        int repeat;
        int concurrency;
        String transportName;
        try {
            a = Args.parse(args, OPTIONS);
            transportName = a.get("--transport").orElse("websocket").trim().toLowerCase(Locale.ROOT);
            URI url = URI.create(a.get("--url").orElseThrow(() -> new Args.UsageException("--url is required")));
            repeat = positive(a, "--repeat", 1);
            concurrency = positive(a, "--concurrency", 1);
            if (a.get("--file").isPresent() == a.get("--message").isPresent()) {
                throw new Args.UsageException("give exactly one of --file and --message");
            }
            TransportConfig.Builder b = TransportConfig.builder().uri(url)
                    .requestTimeout(Durations.parse("--timeout", a.get("--timeout").orElse("2m")))
                    .connectTimeout(Durations.parse("--connect-timeout", a.get("--connect-timeout").orElse("10s")))
                    .wireLog(Boolean.parseBoolean(a.get("--wire-log").orElse("false")));
            a.get("--token").ifPresent(b::token);
            config = b.build();
            if (config.wireLog()) {
                org.slf4j.Logger wire = org.slf4j.LoggerFactory.getLogger("dev.voxwire.websocket.wire");
                if (wire instanceof ch.qos.logback.classic.Logger l) {
                    l.setLevel(ch.qos.logback.classic.Level.DEBUG);
                }
            }
            request = a.get("--file").isPresent() ? audio(Path.of(a.get("--file").get())) : message(a.get("--message").get());
        } catch (Args.UsageException | IllegalArgumentException e) {
            err.println("voxwire stream: " + e.getMessage());
            return Main.EXIT_USAGE;
        } catch (VoxwireException e) {
            err.println("voxwire stream: " + e.code() + ": " + e.getMessage());
            return Main.EXIT_USAGE;
        }

        Transports transports = Transports.builder()
                .flags(FeatureFlags.of(Map.of(Transports.FLAG_TRANSPORT, transportName, Transports.FLAG_FALLBACK, "")))
                .discoverProviders().build();
        if (transports.provider(transportName).isEmpty()) {
            err.println("voxwire stream: no transport named '" + transportName + "' in this build (available: "
                    + transports.providerNames() + ")");
            return Main.EXIT_USAGE;
        }
        EventPrinter printer = new EventPrinter(out);
        try (AudioTransport transport = transports.create(config)) {
            transport.onEvent(printer);
            try {
                transport.connect().toCompletableFuture().get(config.connectTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                VoxwireException v = ErrorClassifier.toException(e);
                err.println("voxwire stream: " + v.code() + ": " + v.getMessage());
                printer.summary(repeat, 0, Map.of(v.code(), repeat));
                return EXIT_CONNECT_FAILED;
            }
            Semaphore permits = new Semaphore(concurrency);
            List<CompletableFuture<Envelope>> results = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
                permits.acquire();
                RequestHandle h = transport.send(request.withId(null));
                CompletableFuture<Envelope> r = h.result().toCompletableFuture();
                r.whenComplete((v, e) -> permits.release());
                results.add(r);
            }
            Map<ErrorCode, Integer> failures = new EnumMap<>(ErrorCode.class);
            VoxwireException first = null;
            int ok = 0;
            for (CompletableFuture<Envelope> r : results) {
                try {
                    r.get(config.requestTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
                    ok++;
                } catch (Exception e) {
                    VoxwireException v = ErrorClassifier.toException(e);
                    failures.merge(v.code(), 1, Integer::sum);
                    if (first == null) {
                        first = v;
                    }
                }
            }
            transport.closeAsync().toCompletableFuture().get(AudioTransport.DEFAULT_CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            printer.summary(repeat, ok, failures);
            if (first != null) {
                err.println("voxwire stream: " + (repeat - ok) + " of " + repeat + " requests failed; first: "
                        + first.code() + ": " + first.getMessage());
                return EXIT_REQUEST_FAILED;
            }
            return 0;
        }
    }

    private static int positive(Args a, String name, int dflt) {
        String v = a.get(name).orElse(null);
        if (v == null) {
            return dflt;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i > 0) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Args.UsageException(name + ": " + v + " (expected: a positive integer)");
    }

    /** An {@code audio:analyze} request for a WAV file: 16-bit PCM as is, anything else converted to 16 kHz mono 16-bit. */
    static Envelope audio(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--file: " + file + " (no such file)");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--file: " + file + " (" + e.getMessage() + ")");
        }
        PcmAudio pcm = WavReader.read(bytes);
        if (pcm.format().encoding() == AudioFormat.Encoding.PCM_S16LE && bytes.length <= 700 * 1024) {
            return AudioRequest.wav(bytes).toEnvelope();
        }
        PcmAudio converted = AudioConverter.toPcm16Mono16k(pcm);
        return AudioRequest.pcm16(converted.data(), converted.sampleRate(), converted.channels()).toEnvelope();
    }

    static Envelope message(String text) {
        ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
        p.put("content", text);
        return Envelope.of(EventTypes.CONVERSATION_MESSAGE, p);
    }

    /** Prints each event as one JSON line; events of one transport arrive one at a time. */
    static final class EventPrinter implements dev.voxwire.core.TransportListener {
        private final PrintStream out;

        EventPrinter(PrintStream out) {
            this.out = out;
        }

        @Override
        public void onEvent(TransportEvent event) {
            print(toJson(event));
        }

        void summary(int requests, int ok, Map<ErrorCode, Integer> failures) {
            ObjectNode o = EnvelopeCodec.mapper().createObjectNode();
            o.put("event", "summary");
            o.put("requests", requests);
            o.put("ok", ok);
            o.put("failed", requests - ok);
            ObjectNode f = o.putObject("errors");
            failures.forEach((k, v) -> f.put(k.name(), v));
            print(o);
        }

        private void print(ObjectNode o) {
            synchronized (out) {
                out.println(o.toString());
                out.flush();
            }
        }

        static ObjectNode toJson(TransportEvent event) {
            ObjectNode o = EnvelopeCodec.mapper().createObjectNode();
            if (event instanceof TransportEvent.StateChanged s) {
                o.put("event", "state");
                o.put("from", s.from().name());
                o.put("to", s.to().name());
                if (s.cause() != null) {
                    o.put("cause", s.cause().name());
                }
            } else if (event instanceof TransportEvent.Message m) {
                o.put("event", "message");
                putEnvelope(o, m.requestId(), m.envelope());
            } else if (event instanceof TransportEvent.Progress p) {
                o.put("event", "progress");
                putEnvelope(o, p.requestId(), p.envelope());
            } else if (event instanceof TransportEvent.Result r) {
                o.put("event", "result");
                putEnvelope(o, r.requestId(), r.envelope());
            } else if (event instanceof TransportEvent.Error e) {
                o.put("event", "error");
                o.put("code", e.code().name());
                o.put("message", e.message());
                if (e.requestId() != null) {
                    o.put("requestId", e.requestId());
                }
                o.put("retrySuggested", e.retrySuggested());
                if (e.retryAfter() != null) {
                    o.put("retryAfterMs", e.retryAfter().toMillis());
                }
            } else if (event instanceof TransportEvent.Reconnecting r) {
                o.put("event", "reconnecting");
                o.put("attempt", r.attempt());
                o.put("delayMs", r.delay().toMillis());
                o.put("cause", r.cause().name());
            } else if (event instanceof TransportEvent.Reconnected r) {
                o.put("event", "reconnected");
                o.put("attempts", r.attempts());
                o.put("resumed", r.resumed());
                o.put("replayed", r.replayed());
            } else if (event instanceof TransportEvent.HeartbeatMissed h) {
                o.put("event", "heartbeat-missed");
                o.put("missed", h.missed());
                o.put("threshold", h.threshold());
            } else if (event instanceof TransportEvent.TransportFallback f) {
                o.put("event", "fallback");
                o.put("from", f.from());
                o.put("to", f.to());
                o.put("cause", f.cause().name());
                o.put("reason", f.reason());
            } else if (event instanceof TransportEvent.Closed c) {
                o.put("event", "closed");
                if (c.code() != null) {
                    o.put("code", c.code().name());
                }
                o.put("reason", c.reason());
            }
            return o;
        }

        private static void putEnvelope(ObjectNode o, String requestId, Envelope e) {
            o.put("type", e.type());
            if (requestId != null) {
                o.put("requestId", requestId);
            }
            o.set("envelope", EnvelopeCodec.toTree(e));
        }
    }
}
