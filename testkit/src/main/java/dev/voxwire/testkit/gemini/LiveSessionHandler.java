package dev.voxwire.testkit.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated Live session on an upgraded WebSocket. Everything here runs on the channel's
 * event loop; the public simulator methods hop onto it with {@code execute}.
 */
final class LiveSessionHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger log = LoggerFactory.getLogger(LiveSessionHandler.class);
    private static final Set<String> CLIENT_MESSAGES = Set.of("setup", "clientContent", "realtimeInput",
            "toolResponse");
    private static final Set<String> REALTIME_FIELDS = Set.of("mediaChunks", "audio", "audioStreamEnd", "video",
            "text", "activityStart", "activityEnd");
    private static final int AUDIO_TOKENS_PER_SECOND = 25;
    private static final long MAX_LEADING_SILENCE_MICROS = 1_000_000;
    /** How long the simulator waits for the client's close frame after sending its own. */
    private static final long CLOSE_TIMEOUT_MILLIS = 1_000;

    private final SimulatorState state;
    private final SessionRecord record;
    private final String apiVersion;
    private @Nullable Channel channel;
    private boolean closed;

    private @Nullable LiveSetup setup;
    private int turnCount;
    private int textTokens;
    private int audioTokens;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();

    // Input of the turn being collected.
    private final StringBuilder pendingText = new StringBuilder();
    private final List<byte[]> pendingAudio = new ArrayList<>();
    private final List<Integer> pendingRates = new ArrayList<>();
    private boolean inActivity;
    private boolean speechSeen;
    private long trailingSilenceMicros;

    private @Nullable TurnRun run;
    private final Set<String> pendingToolCalls = new LinkedHashSet<>();
    private final List<JsonNode> lastToolResponses = new ArrayList<>();

    LiveSessionHandler(SimulatorState state, SessionRecord record, String apiVersion) {
        this.state = state;
        this.record = record;
        this.apiVersion = apiVersion;
    }

    SessionRecord record() {
        return record;
    }

    /** Called on the event loop once the upgrade response is written. */
    void upgraded(Channel ch, @Nullable Rejection credentialError) {
        this.channel = ch;
        if (!ch.isActive()) {
            closed = true;
            return;
        }
        state.open.add(this);
        if (credentialError != null) {
            close(credentialError.code, credentialError.reason);
        }
    }

    // ---- frames ------------------------------------------------------------------------------

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            if (closed) {
                return;
            }
            String text = frame.content().toString(StandardCharsets.UTF_8);
            record.received(text);
            state.received.add(text);
            try {
                onMessage(text);
            } catch (Rejection r) {
                close(r.code, r.reason);
            }
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame) {
            CloseWebSocketFrame c = (CloseWebSocketFrame) frame;
            int code = c.statusCode();
            String reason = c.reasonText();
            record.closed(code < 0 ? null : code, code < 0 ? null : reason);
            if (!closed) {
                closed = true;
                CloseWebSocketFrame reply = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, reason);
                ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed = true;
        record.closed(null, null);
        state.open.remove(this);
        timers.forEach(t -> t.cancel(false));
        timers.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: closing after {}", record.id(), cause.toString());
        ctx.close();
    }

    // ---- client messages ---------------------------------------------------------------------

    private void onMessage(String text) {
        JsonNode msg;
        try {
            msg = LiveJson.camelCase(LiveJson.parse(text));
        } catch (JsonProcessingException e) {
            throw new Rejection(GeminiCloseReasons.INVALID_ARGUMENT, "Invalid JSON payload received.");
        }
        LiveSetup.requireObject(msg);
        String kind = null;
        for (Iterator<String> it = msg.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!CLIENT_MESSAGES.contains(f)) {
                throw Rejection.unknownField(f, "");
            }
            if (kind != null) {
                throw Rejection.invalidArgument();
            }
            kind = f;
        }
        if (kind == null) {
            throw Rejection.invalidArgument();
        }
        JsonNode body = msg.get(kind);
        if (setup == null) {
            if (!kind.equals("setup")) {
                throw Rejection.invalidArgument();
            }
            onSetup(body);
            return;
        }
        switch (kind) {
            case "clientContent":
                onClientContent(body);
                break;
            case "realtimeInput":
                onRealtimeInput(body);
                break;
            case "toolResponse":
                onToolResponse(body);
                break;
            default:
                throw Rejection.invalidArgument(); // a second setup
        }
    }

    private void onSetup(JsonNode body) {
        LiveSetup s = LiveSetup.parse(body, state.models, apiVersion);
        SimulatorScript script = state.script;
        String handle = s.resumptionHandle();
        if (handle != null) {
            SimulatorState.Snapshot snap = state.handles.get(handle);
            if (script.refuseResumption() || snap == null || !sameModel(snap.model(), s.model())) {
                throw Rejection.invalidArgument();
            }
            turnCount = snap.turnCount();
            textTokens = snap.textTokens();
            audioTokens = snap.audioTokens();
        }
        this.setup = s;
        record.setup(s.model(), s.responseModalities(), handle, turnCount);
        if (script.noSetupComplete()) {
            return;
        }
        Duration delay = script.setupCompleteDelay();
        if (delay.isZero()) {
            afterSetupComplete(script);
        } else {
            schedule(delay, () -> afterSetupComplete(script));
        }
    }

    private static boolean sameModel(String a, String b) {
        return strip(a).equals(strip(b));
    }

    private static String strip(String model) {
        return model.startsWith("models/") ? model.substring("models/".length()) : model;
    }

    private void afterSetupComplete(SimulatorScript script) {
        send(LiveJson.setupComplete());
        sendResumptionUpdate();
        script.goAwayAfter().ifPresent(after -> {
            Duration timeLeft = script.goAwayTimeLeft();
            schedule(after, () -> goAway(timeLeft));
        });
    }

    /** Sends {@code goAway} and closes with 1011 when {@code timeLeft} has run out. */
    void goAway(Duration timeLeft) {
        if (closed) {
            return;
        }
        send(LiveJson.goAway(timeLeft));
        schedule(timeLeft, () -> close(GeminiCloseReasons.INTERNAL_ERROR, GeminiCloseReasons.REASON_DEADLINE_EXPIRED));
    }

    private void onClientContent(JsonNode body) {
        LiveSetup.requireObject(body);
        LiveSetup.checkFields(body, Set.of("turns", "turnComplete"), "client_content");
        JsonNode turns = body.get("turns");
        if (turns != null) {
            if (!turns.isArray()) {
                throw Rejection.invalidArgument();
            }
            for (JsonNode turn : turns) {
                LiveSetup.requireObject(turn);
                LiveSetup.checkFields(turn, Set.of("role", "parts"), "client_content.turns[0]");
                JsonNode role = turn.get("role");
                if (role != null && !(role.isTextual() && (role.asText().equals("user") || role.asText().equals("model")))) {
                    throw Rejection.invalidArgument();
                }
                JsonNode parts = turn.get("parts");
                if (parts == null || !parts.isArray()) {
                    throw Rejection.invalidArgument();
                }
                boolean user = role == null || role.asText().equals("user");
                for (JsonNode part : parts) {
                    LiveSetup.requireObject(part);
                    JsonNode t = part.get("text");
                    if (t != null) {
                        if (!t.isTextual()) {
                            throw Rejection.invalidArgument();
                        }
                        if (user) {
                            pendingText.append(t.asText());
                        } else {
                            textTokens += textTokens(t.asText());
                        }
                    }
                }
            }
        }
        JsonNode complete = body.get("turnComplete");
        if (complete != null && !complete.isBoolean()) {
            throw Rejection.invalidArgument();
        }
        if (complete != null && complete.asBoolean()) {
            interruptRun();
            String text = pendingText.toString();
            pendingText.setLength(0);
            startTurn(TurnInput.text(text));
        }
    }

    private void onRealtimeInput(JsonNode body) {
        LiveSetup.requireObject(body);
        LiveSetup.checkFields(body, REALTIME_FIELDS, "realtime_input");
        LiveSetup s = setup();
        JsonNode chunks = body.get("mediaChunks");
        if (chunks != null) {
            if (!chunks.isArray()) {
                throw Rejection.invalidArgument();
            }
            // Deprecated: "all but the first will be ignored".
            if (chunks.size() > 0) {
                onBlob(chunks.get(0));
            }
        }
        JsonNode audio = body.get("audio");
        if (audio != null) {
            onBlob(audio);
        }
        JsonNode video = body.get("video");
        if (video != null) {
            onBlob(video);
        }
        JsonNode text = body.get("text");
        if (text != null) {
            if (!text.isTextual()) {
                throw Rejection.invalidArgument();
            }
            interruptRun();
            startTurn(TurnInput.text(text.asText()));
        }
        JsonNode start = body.get("activityStart");
        if (start != null) {
            LiveSetup.requireObject(start);
            if (!s.manualActivity()) {
                throw Rejection.invalidArgument();
            }
            if (s.activityInterrupts()) {
                interruptRun();
            }
            inActivity = true;
            clearAudio();
        }
        JsonNode end = body.get("activityEnd");
        if (end != null) {
            LiveSetup.requireObject(end);
            if (!s.manualActivity()) {
                throw Rejection.invalidArgument();
            }
            if (inActivity) {
                inActivity = false;
                endAudioTurn();
            }
        }
        JsonNode streamEnd = body.get("audioStreamEnd");
        if (streamEnd != null) {
            if (!streamEnd.isBoolean()) {
                throw Rejection.invalidArgument();
            }
            if (s.manualActivity()) {
                throw Rejection.invalidArgument();
            }
            if (streamEnd.asBoolean() && !pendingAudio.isEmpty()) {
                endAudioTurn();
            }
        }
    }

    private void onBlob(JsonNode blob) {
        LiveSetup.requireObject(blob);
        LiveSetup.checkFields(blob, Set.of("mimeType", "data"), "realtime_input.audio");
        JsonNode mime = blob.get("mimeType");
        JsonNode data = blob.get("data");
        if (mime == null || !mime.isTextual() || data == null || !data.isTextual()) {
            throw Rejection.invalidArgument();
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(data.asText());
        } catch (IllegalArgumentException e) {
            throw new Rejection(GeminiCloseReasons.INVALID_ARGUMENT,
                    "Invalid value at 'realtime_input.audio.data' (TYPE_BYTES), Base64 decoding failed");
        }
        String type = mime.asText();
        if (type.startsWith("image/") || type.startsWith("video/")) {
            return; // video frames are accepted and ignored
        }
        OptionalInt rate = Pcm.rateOf(type);
        if (rate.isEmpty()) {
            throw Rejection.invalidArgument();
        }
        LiveSetup s = setup();
        if (s.manualActivity() && !inActivity) {
            return; // outside an activity the service does not use the audio for a turn
        }
        boolean speech = Pcm.hasSpeech(bytes);
        if (!s.manualActivity() && speech && run != null && s.activityInterrupts()) {
            interruptRun();
        }
        pendingAudio.add(bytes);
        pendingRates.add(rate.getAsInt());
        if (!s.manualActivity() && !speech && !speechSeen) {
            trimLeadingSilence();
        }
        if (!s.manualActivity()) {
            long micros = Pcm.durationMicros(bytes.length, rate.getAsInt());
            if (speech) {
                speechSeen = true;
                trailingSilenceMicros = 0;
            } else if (speechSeen) {
                trailingSilenceMicros += micros;
                if (trailingSilenceMicros >= s.silenceDurationMs() * 1000L) {
                    endAudioTurn();
                }
            }
        }
    }

    /** Before any speech, automatic activity detection keeps at most the last second of silence. */
    private void trimLeadingSilence() {
        long total = 0;
        for (int i = 0; i < pendingAudio.size(); i++) {
            total += Pcm.durationMicros(pendingAudio.get(i).length, pendingRates.get(i));
        }
        while (pendingAudio.size() > 1 && total > MAX_LEADING_SILENCE_MICROS) {
            total -= Pcm.durationMicros(pendingAudio.get(0).length, pendingRates.get(0));
            pendingAudio.remove(0);
            pendingRates.remove(0);
        }
    }

    private void onToolResponse(JsonNode body) {
        LiveSetup.requireObject(body);
        LiveSetup.checkFields(body, Set.of("functionResponses"), "tool_response");
        JsonNode responses = body.get("functionResponses");
        if (responses == null || !responses.isArray()) {
            throw Rejection.invalidArgument();
        }
        List<JsonNode> answered = new ArrayList<>();
        for (JsonNode r : responses) {
            LiveSetup.requireObject(r);
            JsonNode id = r.get("id");
            if (id == null || !id.isTextual() || id.asText().isEmpty()) {
                throw Rejection.invalidArgument();
            }
            JsonNode response = r.get("response");
            if (response != null && !response.isObject()) {
                throw Rejection.invalidArgument();
            }
            if (pendingToolCalls.remove(id.asText())) {
                answered.add(r);
            }
        }
        if (!answered.isEmpty()) {
            lastToolResponses.clear();
            lastToolResponses.addAll(answered);
        }
        TurnRun r = run;
        if (r != null && r.awaitingTools && pendingToolCalls.isEmpty()) {
            r.awaitingTools = false;
            continueRun(r);
        }
    }

    // ---- turns -------------------------------------------------------------------------------

    private void endAudioTurn() {
        List<byte[]> audio = new ArrayList<>(pendingAudio);
        List<Integer> rates = new ArrayList<>(pendingRates);
        clearAudio();
        interruptRun();
        startTurn(TurnInput.audio(audio, rates));
    }

    private void clearAudio() {
        pendingAudio.clear();
        pendingRates.clear();
        speechSeen = false;
        trailingSilenceMicros = 0;
    }

    private void startTurn(TurnInput input) {
        turnCount++;
        record.turnCount(turnCount);
        if (input.audioMicros > 0) {
            audioTokens += (int) Math.ceil(input.audioMicros * AUDIO_TOKENS_PER_SECOND / 1_000_000.0);
        }
        textTokens += textTokens(input.text);
        ScriptedTurn turn = state.script.turn(turnCount);
        TurnRun r = new TurnRun(turn.steps(), input);
        run = r;
        continueRun(r);
    }

    /** Client input during a turn in progress: the service cancels tool calls and ends the turn as interrupted. */
    private void interruptRun() {
        TurnRun r = run;
        if (r == null) {
            return;
        }
        run = null;
        r.cancelled = true;
        if (r.pause != null) {
            r.pause.cancel(false);
        }
        if (!pendingToolCalls.isEmpty()) {
            send(LiveJson.toolCallCancellation(pendingToolCalls));
            pendingToolCalls.clear();
        }
        send(LiveJson.serverContentFlag("interrupted"));
        send(LiveJson.turnComplete(usage(r)));
    }

    private void continueRun(TurnRun r) {
        while (!r.cancelled && !closed && r.next < r.steps.size()) {
            ScriptedTurn.Step step = r.steps.get(r.next++);
            if (!execute(r, step)) {
                return; // suspended or ended
            }
        }
        if (r.cancelled || closed) {
            return;
        }
        run = null;
        send(LiveJson.serverContentFlag("generationComplete"));
        send(LiveJson.turnComplete(usage(r)));
        sendResumptionUpdate();
    }

    /** Runs one step; false when the run is suspended or over. */
    private boolean execute(TurnRun r, ScriptedTurn.Step step) {
        LiveSetup s = setup();
        if (step instanceof ScriptedTurn.Text) {
            return sendText(r, ((ScriptedTurn.Text) step).text());
        } else if (step instanceof ScriptedTurn.Audio) {
            return sendAudio(r, ((ScriptedTurn.Audio) step).pcm24k(), null);
        } else if (step instanceof ScriptedTurn.Tone) {
            return sendAudio(r, Pcm.tone(((ScriptedTurn.Tone) step).duration().toMillis()), null);
        } else if (step instanceof ScriptedTurn.InputTranscript) {
            send(LiveJson.inputTranscription(((ScriptedTurn.InputTranscript) step).text()));
            return true;
        } else if (step instanceof ScriptedTurn.OutputTranscript) {
            send(LiveJson.outputTranscription(((ScriptedTurn.OutputTranscript) step).text()));
            return true;
        } else if (step instanceof ScriptedTurn.ToolCall) {
            ScriptedTurn.ToolCall call = (ScriptedTurn.ToolCall) step;
            String id = call.id() != null ? call.id() : state.nextToolCallId();
            pendingToolCalls.add(id);
            send(LiveJson.toolCall(id, call.name(), LiveJson.MAPPER.valueToTree(call.args())));
            return true;
        } else if (step instanceof ScriptedTurn.AwaitToolResponse) {
            if (pendingToolCalls.isEmpty()) {
                return true;
            }
            r.awaitingTools = true;
            return false;
        } else if (step instanceof ScriptedTurn.EchoToolResponse) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode resp : lastToolResponses) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                JsonNode name = resp.get("name");
                JsonNode value = resp.get("response");
                sb.append(name != null ? name.asText() : resp.get("id").asText()).append(" returned ")
                        .append(value != null ? LiveJson.compact(value) : "{}").append('.');
            }
            return sendText(r, sb.toString());
        } else if (step instanceof ScriptedTurn.CancelToolCalls) {
            if (!pendingToolCalls.isEmpty()) {
                send(LiveJson.toolCallCancellation(pendingToolCalls));
                pendingToolCalls.clear();
            }
            return true;
        } else if (step instanceof ScriptedTurn.Echo) {
            return echo(r, s);
        } else if (step instanceof ScriptedTurn.Pause) {
            Duration d = ((ScriptedTurn.Pause) step).duration();
            r.pause = schedule(d, () -> {
                r.pause = null;
                continueRun(r);
            });
            return false;
        } else if (step instanceof ScriptedTurn.Interrupted) {
            run = null;
            r.cancelled = true;
            send(LiveJson.serverContentFlag("interrupted"));
            send(LiveJson.turnComplete(usage(r)));
            return false;
        } else if (step instanceof ScriptedTurn.Close) {
            ScriptedTurn.Close c = (ScriptedTurn.Close) step;
            run = null;
            close(c.code(), c.reason());
            return false;
        } else if (step instanceof ScriptedTurn.Drop) {
            run = null;
            drop();
            return false;
        }
        throw new IllegalStateException("unknown step " + step);
    }

    private boolean echo(TurnRun r, LiveSetup s) {
        TurnInput in = r.input;
        String answer;
        if (in.audio) {
            String description = String.format(Locale.ROOT, "%d ms of audio at %d Hz", in.audioMicros / 1000, in.lastRate);
            if (s.inputTranscription()) {
                send(LiveJson.inputTranscription(description));
            }
            answer = "Received " + description + ".";
        } else {
            answer = in.text;
        }
        if (s.responseModalities().contains("TEXT")) {
            if (!sendText(r, answer)) {
                return false;
            }
        }
        if (s.responseModalities().contains("AUDIO")) {
            byte[] pcm;
            if (in.audio) {
                pcm = in.resampledTo24k();
            } else {
                long ms = Math.max(200, Math.min(3000, 40L * answer.codePointCount(0, answer.length())));
                pcm = Pcm.tone(ms);
            }
            return sendAudio(r, pcm, s.outputTranscription() ? answer : null);
        }
        return true;
    }

    private boolean sendText(TurnRun r, String text) {
        r.responseTokens += textTokens(text);
        r.responseModality = "TEXT";
        for (String chunk : textChunks(text)) {
            send(LiveJson.modelText(chunk));
            if (!afterModelChunk(r)) {
                return false;
            }
        }
        return true;
    }

    private boolean sendAudio(TurnRun r, byte[] pcm, @Nullable String transcript) {
        r.responseTokens += (int) Math.ceil(Pcm.durationMicros(pcm.length, Pcm.OUTPUT_RATE)
                * AUDIO_TOKENS_PER_SECOND / 1_000_000.0);
        r.responseModality = "AUDIO";
        List<String> fragments = transcript == null ? List.of() : words(transcript);
        int f = 0;
        for (int off = 0; off < pcm.length; off += Pcm.OUTPUT_CHUNK_BYTES) {
            send(LiveJson.modelAudio(pcm, off, Math.min(Pcm.OUTPUT_CHUNK_BYTES, pcm.length - off)));
            if (!afterModelChunk(r)) {
                return false;
            }
            if (f < fragments.size()) {
                send(LiveJson.outputTranscription(fragments.get(f++)));
            }
        }
        while (f < fragments.size()) {
            send(LiveJson.outputTranscription(fragments.get(f++)));
        }
        return true;
    }

    /** Applies the once-per-simulator mid-turn faults; false when the connection was cut. */
    private boolean afterModelChunk(TurnRun r) {
        if (closed) {
            return false;
        }
        SimulatorScript script = state.script;
        if (script.close1011MidTurn() && state.close1011Fired.compareAndSet(false, true)) {
            run = null;
            r.cancelled = true;
            close(GeminiCloseReasons.INTERNAL_ERROR, GeminiCloseReasons.REASON_INTERNAL);
            return false;
        }
        if (script.dropMidTurn() && state.dropFired.compareAndSet(false, true)) {
            run = null;
            r.cancelled = true;
            drop();
            return false;
        }
        return true;
    }

    private ObjectNode usage(TurnRun r) {
        return LiveJson.usage(textTokens, audioTokens, r.responseTokens, r.responseModality);
    }

    private void sendResumptionUpdate() {
        LiveSetup s = setup;
        if (s == null || !s.resumption() || closed) {
            return;
        }
        String handle = state.issueHandle(new SimulatorState.Snapshot(s.model(), turnCount, textTokens, audioTokens));
        send(LiveJson.resumptionUpdate(handle));
    }

    // ---- output ------------------------------------------------------------------------------

    private void send(ObjectNode message) {
        Channel ch = channel;
        if (closed || ch == null) {
            return;
        }
        byte[] bytes = LiveJson.serverBytes(message);
        ByteBuf buf = ch.alloc().buffer(bytes.length);
        buf.writeBytes(bytes);
        ch.writeAndFlush(new BinaryWebSocketFrame(buf), ch.voidPromise());
    }

    /** Sends a close frame and closes the connection. */
    void close(int code, String reason) {
        Channel ch = channel;
        if (closed || ch == null) {
            return;
        }
        closed = true;
        String r = GeminiCloseReasons.truncate(reason);
        record.closed(code, r);
        // As RFC 6455 asks, the server waits for the client's close frame before closing TCP (then
        // a client still sending cannot lose the close frame to a reset), but not for long.
        ch.writeAndFlush(new CloseWebSocketFrame(code, r)).addListener(f -> {
            if (!f.isSuccess()) {
                ch.close();
            } else if (ch.isActive()) {
                ScheduledFuture<?> t = ch.eventLoop().schedule(() -> {
                    ch.close();
                }, CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                timers.add(t);
            }
        });
    }

    /** Closes the TCP connection without a close frame. */
    void drop() {
        Channel ch = channel;
        if (ch == null) {
            return;
        }
        closed = true;
        ch.close();
    }

    Channel channel() {
        Channel ch = channel;
        if (ch == null) {
            throw new IllegalStateException("not upgraded");
        }
        return ch;
    }

    private ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f = channel().eventLoop().schedule(() -> {
            if (!closed) {
                task.run();
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
        timers.removeIf(ScheduledFuture::isDone);
        timers.add(f);
        return f;
    }

    private LiveSetup setup() {
        LiveSetup s = setup;
        if (s == null) {
            throw new IllegalStateException("no setup");
        }
        return s;
    }

    // ---- helpers -----------------------------------------------------------------------------

    static int textTokens(String text) {
        int cp = text.codePointCount(0, text.length());
        return cp == 0 ? 0 : (cp + 3) / 4;
    }

    /** Splits text into chunks of about 24 characters at spaces (at most 64), so that they join back exactly. */
    static List<String> textChunks(String text) {
        List<String> out = new ArrayList<>();
        if (text.isEmpty()) {
            out.add("");
            return out;
        }
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            int len = i - start;
            if ((cp == ' ' && len >= 24) || len >= 64) {
                out.add(text.substring(start, i));
                start = i;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    /** Transcript fragments as the service sends them: one word each, with its leading space. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == ' ' && text.charAt(i - 1) != ' ') {
                out.add(text.substring(start, i));
                start = i;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    /** What the user said in one turn. */
    static final class TurnInput {
        final String text;
        final boolean audio;
        final List<byte[]> chunks;
        final List<Integer> rates;
        final long audioMicros;
        final int lastRate;

        private TurnInput(String text, boolean audio, List<byte[]> chunks, List<Integer> rates) {
            this.text = text;
            this.audio = audio;
            this.chunks = chunks;
            this.rates = rates;
            long micros = 0;
            for (int i = 0; i < chunks.size(); i++) {
                micros += Pcm.durationMicros(chunks.get(i).length, rates.get(i));
            }
            this.audioMicros = micros;
            this.lastRate = rates.isEmpty() ? Pcm.DEFAULT_INPUT_RATE : rates.get(rates.size() - 1);
        }

        static TurnInput text(String text) {
            return new TurnInput(text, false, List.of(), List.of());
        }

        static TurnInput audio(List<byte[]> chunks, List<Integer> rates) {
            return new TurnInput("", true, chunks, rates);
        }

        byte[] resampledTo24k() {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < chunks.size(); i++) {
                byte[] r = Pcm.resample(chunks.get(i), rates.get(i), Pcm.OUTPUT_RATE);
                out.write(r, 0, r.length);
            }
            return out.toByteArray();
        }
    }

    /** A scripted turn in progress. */
    static final class TurnRun {
        final List<ScriptedTurn.Step> steps;
        final TurnInput input;
        int next;
        boolean cancelled;
        boolean awaitingTools;
        @Nullable ScheduledFuture<?> pause;
        int responseTokens;
        String responseModality = "TEXT";

        TurnRun(List<ScriptedTurn.Step> steps, TurnInput input) {
            this.steps = steps;
            this.input = input;
        }
    }
}
