package dev.voxwire.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorClassifier;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.flags.Durations;
import dev.voxwire.gemini.FunctionCall;
import dev.voxwire.gemini.GeminiLiveClient;
import dev.voxwire.gemini.LiveConfig;
import dev.voxwire.gemini.LiveEvent;
import dev.voxwire.gemini.LiveSession;
import dev.voxwire.gemini.Modality;
import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code voxwire live --file a.wav [--text "..."] [--simulator]}: one Gemini Live session that
 * sends the audio of a WAV file (converted to 16 kHz mono) and then a text, and prints every
 * event as a JSON line on stdout. Without {@code --simulator} it talks to the real service with
 * {@code GEMINI_API_KEY}; with it, to an embedded {@link GeminiLiveSimulator}. The key is never
 * printed.
 */
final class LiveCommand implements Main.Command {
    static final String ENV_KEY = "GEMINI_API_KEY";
    private static final String SIMULATOR_KEY = "voxwire-simulator-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<String, String> env;

    LiveCommand(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public String summary() {
        return "talk to Gemini Live (or the simulator); print events as JSON lines";
    }

    @Override
    public String usage() {
        return "voxwire live --file a.wav [--text \"...\"] [--simulator] [--model NAME] [--modality AUDIO|TEXT] "
                + "[--url BASE_URL] [--timeout 60s]";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Path file = null;
        String text = null;
        boolean simulator = false;
        String model = null;
        Modality modality = Modality.AUDIO;
        String url = null;
        Duration timeout = Duration.ofSeconds(60);
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--file" -> file = Path.of(value(args, ++i, a));
                    case "--text" -> text = value(args, ++i, a);
                    case "--simulator" -> simulator = true;
                    case "--model" -> model = value(args, ++i, a);
                    case "--modality" -> {
                        String m = value(args, ++i, a);
                        try {
                            modality = Modality.valueOf(m.toUpperCase(Locale.ROOT));
                        } catch (IllegalArgumentException e) {
                            throw new Args.UsageException("--modality: '" + m + "' (expected: AUDIO or TEXT)");
                        }
                    }
                    case "--url" -> url = value(args, ++i, a);
                    case "--timeout" -> timeout = Durations.parse("--timeout", value(args, ++i, a));
                    default -> throw new Args.UsageException("unknown option '" + a + "'");
                }
            }
            if (file == null && text == null) {
                throw new Args.UsageException("--file or --text is required");
            }
            if (file != null && !Files.isRegularFile(file)) {
                throw new Args.UsageException("--file: " + file + " (expected: a readable WAV file)");
            }
        } catch (Args.UsageException | IllegalArgumentException e) {
            err.println("voxwire live: " + e.getMessage());
            err.println("usage: " + usage());
            return Main.EXIT_USAGE;
        }
        String key = env.apply(ENV_KEY);
        if (!simulator && (key == null || key.isBlank())) {
            err.println("voxwire live: " + ENV_KEY + " is not set (set it to talk to Gemini Live, or use --simulator)");
            return Main.EXIT_USAGE;
        }

        GeminiLiveSimulator sim = simulator ? GeminiLiveSimulator.builder().build().start() : null;
        try {
            GeminiLiveClient.Builder b = GeminiLiveClient.builder().apiKey(simulator ? SIMULATOR_KEY : key);
            if (sim != null) {
                b.baseUri(sim.baseUrl());
            } else if (url != null) {
                b.baseUri(url);
            }
            LiveConfig.Builder config = LiveConfig.builder().responseModalities(modality)
                    .inputAudioTranscription(true).outputAudioTranscription(true);
            if (model != null) {
                config.model(model);
            }
            return converse(b.build(), config.build(), file, text, timeout, out, err);
        } catch (VoxwireException e) {
            err.println("voxwire live: " + e.code() + ": " + e.getMessage());
            return 1;
        } finally {
            if (sim != null) {
                sim.close();
            }
        }
    }

    private static int converse(GeminiLiveClient client, LiveConfig config, Path file, String text, Duration timeout,
            PrintStream out, PrintStream err) throws Exception {
        BlockingQueue<LiveEvent> turns = new LinkedBlockingQueue<>();
        try (client) {
            LiveSession session;
            try {
                session = client.connect(config, event -> {
                    print(out, event);
                    if (event instanceof LiveEvent.TurnComplete || event instanceof LiveEvent.Closed) {
                        turns.add(event);
                    }
                }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw ErrorClassifier.toException(e);
            }
            if (file != null) {
                session.sendWav(file).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (config.automaticActivityDetection()) {
                    session.audioStreamEnd();
                }
                if (!awaitTurn(turns, timeout, err)) {
                    return 1;
                }
            }
            if (text != null) {
                session.sendText(text);
                if (!awaitTurn(turns, timeout, err)) {
                    return 1;
                }
            }
            session.closeAsync().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return 0;
        }
    }

    private static boolean awaitTurn(BlockingQueue<LiveEvent> turns, Duration timeout, PrintStream err)
            throws InterruptedException {
        LiveEvent e = turns.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            err.println("voxwire live: no turnComplete within " + timeout);
            return false;
        }
        if (e instanceof LiveEvent.Closed c) {
            err.println("voxwire live: the session ended: " + c.code() + " " + c.reason());
            return false;
        }
        return true;
    }

    /** One JSON line per event. */
    static void print(PrintStream out, LiveEvent event) {
        ObjectNode n = JSON.createObjectNode();
        if (event instanceof LiveEvent.Text t) {
            n.put("event", "text").put("text", t.text());
        } else if (event instanceof LiveEvent.AudioOut a) {
            n.put("event", "audio").put("bytes", a.pcm().length).put("sampleRate", a.sampleRate())
                    .put("durationMs", a.duration().toMillis());
        } else if (event instanceof LiveEvent.InputTranscription t) {
            n.put("event", "inputTranscription").put("text", t.text()).put("finished", t.finished());
        } else if (event instanceof LiveEvent.OutputTranscription t) {
            n.put("event", "outputTranscription").put("text", t.text());
        } else if (event instanceof LiveEvent.GenerationComplete) {
            n.put("event", "generationComplete");
        } else if (event instanceof LiveEvent.TurnComplete) {
            n.put("event", "turnComplete");
        } else if (event instanceof LiveEvent.Interrupted) {
            n.put("event", "interrupted");
        } else if (event instanceof LiveEvent.ToolCall c) {
            n.put("event", "toolCall");
            for (FunctionCall f : c.calls()) {
                n.withArray("functionCalls").addObject().put("id", f.id()).put("name", f.name()).set("args", f.args());
            }
        } else if (event instanceof LiveEvent.ToolCallCancellation c) {
            n.put("event", "toolCallCancellation");
            c.ids().forEach(n.withArray("ids")::add);
        } else if (event instanceof LiveEvent.Usage u) {
            n.put("event", "usage").put("promptTokenCount", u.usage().promptTokenCount())
                    .put("responseTokenCount", u.usage().responseTokenCount())
                    .put("totalTokenCount", u.usage().totalTokenCount());
        } else if (event instanceof LiveEvent.GoAway g) {
            n.put("event", "goAway").put("timeLeftMs", g.timeLeft().toMillis());
        } else if (event instanceof LiveEvent.SessionResumptionUpdate u) {
            n.put("event", "sessionResumptionUpdate").put("resumable", u.resumable())
                    .put("handle", u.handle().isPresent());
        } else if (event instanceof LiveEvent.Reconnecting r) {
            n.put("event", "reconnecting").put("attempt", r.attempt()).put("delayMs", r.delay().toMillis())
                    .put("cause", r.cause().name()).put("closeCode", r.closeCode()).put("reason", r.reason());
        } else if (event instanceof LiveEvent.Resumed r) {
            n.put("event", "resumed").put("attempts", r.attempts()).put("resumed", r.resumed())
                    .put("handover", r.handover());
        } else if (event instanceof LiveEvent.Closed c) {
            n.put("event", "closed").put("code", c.code()).put("reason", c.reason());
            c.errorCode().ifPresent(code -> n.put("error", code.name()));
        }
        synchronized (out) {
            out.println(n);
            out.flush();
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new Args.UsageException(option + " needs a value");
        }
        return args[i];
    }
}
