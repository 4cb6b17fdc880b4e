package dev.voxwire.gemini.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.gemini.Content;
import dev.voxwire.gemini.FunctionCall;
import dev.voxwire.gemini.FunctionDeclaration;
import dev.voxwire.gemini.FunctionResponse;
import dev.voxwire.gemini.LiveConfig;
import dev.voxwire.gemini.LiveEvent;
import dev.voxwire.gemini.Modality;
import dev.voxwire.gemini.UsageMetadata;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of the Live API: client messages are built as Jackson trees (proto JSON field names,
 * camelCase), server messages are read as trees into {@link LiveEvent}s. Unknown server fields
 * and message kinds are ignored, so newer services still fit. Stateless and thread-safe.
 */
public final class LiveCodec {
    /** The MIME type of the audio sent. */
    public static final String INPUT_MIME_TYPE = "audio/pcm;rate=16000";
    /** The rate of model audio when the MIME type does not say. */
    public static final int DEFAULT_OUTPUT_RATE = 24_000;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern RATE = Pattern.compile("rate=(\\d+)");
    private static final Pattern PROTO_DURATION = Pattern.compile("(-?\\d+(?:\\.\\d+)?)s");

    private LiveCodec() {
    }

    /** The shared mapper (thread-safe). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    // ---- client messages -----------------------------------------------------------------------

    /** The {@code setup} message for {@code config}, resuming {@code handle} when not null. */
    public static String setup(LiveConfig config, @Nullable String handle) {
        ObjectNode setup = NODES.objectNode();
        setup.put("model", "models/" + config.model());
        ObjectNode gen = setup.putObject("generationConfig");
        ArrayNode modalities = gen.putArray("responseModalities");
        for (Modality m : config.responseModalities()) {
            modalities.add(m.name());
        }
        config.temperature().ifPresent(t -> gen.put("temperature", t));
        if (config.voiceName().isPresent() || config.languageCode().isPresent()) {
            ObjectNode speech = gen.putObject("speechConfig");
            config.voiceName().ifPresent(v -> speech.putObject("voiceConfig").putObject("prebuiltVoiceConfig")
                    .put("voiceName", v));
            config.languageCode().ifPresent(l -> speech.put("languageCode", l));
        }
        config.systemInstruction().ifPresent(s -> setup.putObject("systemInstruction").putArray("parts")
                .addObject().put("text", s));
        if (!config.tools().isEmpty()) {
            ArrayNode decls = setup.putArray("tools").addObject().putArray("functionDeclarations");
            for (FunctionDeclaration f : config.tools()) {
                ObjectNode d = decls.addObject();
                d.put("name", f.name());
                d.put("description", f.description());
                f.parameters().ifPresent(p -> d.set("parameters", p));
            }
        }
        setup.putObject("realtimeInputConfig").putObject("automaticActivityDetection")
                .put("disabled", !config.automaticActivityDetection());
        if (config.inputAudioTranscription()) {
            setup.putObject("inputAudioTranscription");
        }
        if (config.outputAudioTranscription()) {
            setup.putObject("outputAudioTranscription");
        }
        if (config.contextWindowCompression()) {
            ObjectNode cwc = setup.putObject("contextWindowCompression");
            config.compressionTriggerTokens().ifPresent(t -> cwc.put("triggerTokens", Long.toString(t)));
            ObjectNode sw = cwc.putObject("slidingWindow");
            config.compressionTargetTokens().ifPresent(t -> sw.put("targetTokens", Long.toString(t)));
        }
        if (config.sessionResumption()) {
            ObjectNode sr = setup.putObject("sessionResumption");
            if (handle != null) {
                sr.put("handle", handle);
            }
        }
        return write(NODES.objectNode().set("setup", setup));
    }

    /** {@code realtimeInput.audio} with 16 kHz PCM. */
    public static String audio(byte[] pcm, int offset, int length) {
        ObjectNode audio = NODES.objectNode();
        audio.put("data", Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(pcm, offset, offset + length)));
        audio.put("mimeType", INPUT_MIME_TYPE);
        return realtime("audio", audio);
    }

    /** {@code realtimeInput.text}. */
    public static String text(String text) {
        return realtime("text", NODES.textNode(text));
    }

    /** {@code realtimeInput.activityStart}. */
    public static String activityStart() {
        return realtime("activityStart", NODES.objectNode());
    }

    /** {@code realtimeInput.activityEnd}. */
    public static String activityEnd() {
        return realtime("activityEnd", NODES.objectNode());
    }

    /** {@code realtimeInput.audioStreamEnd}. */
    public static String audioStreamEnd() {
        return realtime("audioStreamEnd", NODES.booleanNode(true));
    }

    /** {@code clientContent}. */
    public static String clientContent(List<Content> turns, boolean turnComplete) {
        ObjectNode cc = NODES.objectNode();
        ArrayNode arr = cc.putArray("turns");
        for (Content c : turns) {
            ObjectNode t = arr.addObject();
            t.put("role", c.role());
            t.putArray("parts").addObject().put("text", c.text());
        }
        cc.put("turnComplete", turnComplete);
        return write(NODES.objectNode().set("clientContent", cc));
    }

    /** {@code toolResponse}. */
    public static String toolResponse(List<FunctionResponse> responses) {
        ObjectNode tr = NODES.objectNode();
        ArrayNode arr = tr.putArray("functionResponses");
        for (FunctionResponse r : responses) {
            ObjectNode o = arr.addObject();
            o.put("id", r.id());
            o.put("name", r.name());
            o.set("response", r.response());
        }
        return write(NODES.objectNode().set("toolResponse", tr));
    }

    private static String realtime(String field, JsonNode value) {
        ObjectNode ri = NODES.objectNode();
        ri.set(field, value);
        return write(NODES.objectNode().set("realtimeInput", ri));
    }

    private static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    // ---- server messages -----------------------------------------------------------------------

    /** A server message, read. */
    public record ServerMessage(boolean setupComplete, List<LiveEvent> events) {
    }

    /**
     * Reads one server message. Unknown fields are ignored.
     *
     * @throws JsonProcessingException when the text is not a JSON object
     */
    public static ServerMessage read(String json) throws JsonProcessingException {
        JsonNode msg = MAPPER.readTree(json);
        if (msg == null || !msg.isObject()) {
            throw new com.fasterxml.jackson.core.JsonParseException(null, "expected a JSON object");
        }
        List<LiveEvent> events = new ArrayList<>(2);
        boolean setupComplete = msg.has("setupComplete");
        JsonNode sc = msg.get("serverContent");
        boolean turnComplete = false;
        if (sc != null && sc.isObject()) {
            JsonNode turn = sc.get("modelTurn");
            if (turn != null) {
                for (JsonNode part : iterable(turn.get("parts"))) {
                    if (part.path("thought").asBoolean(false)) {
                        continue;
                    }
                    JsonNode text = part.get("text");
                    if (text != null && text.isTextual()) {
                        events.add(new LiveEvent.Text(text.asText()));
                    }
                    JsonNode inline = part.get("inlineData");
                    if (inline != null && inline.isObject()) {
                        String mime = inline.path("mimeType").asText("");
                        if (mime.toLowerCase(Locale.ROOT).startsWith("audio/")) {
                            byte[] pcm = Base64.getDecoder().decode(inline.path("data").asText(""));
                            events.add(new LiveEvent.AudioOut(pcm, rateOf(mime), mime));
                        }
                    }
                }
            }
            JsonNode in = sc.get("inputTranscription");
            if (in != null && in.isObject() && in.has("text")) {
                events.add(new LiveEvent.InputTranscription(in.path("text").asText(), in.path("finished").asBoolean(false)));
            }
            JsonNode out = sc.get("outputTranscription");
            if (out != null && out.isObject() && out.has("text")) {
                events.add(new LiveEvent.OutputTranscription(out.path("text").asText()));
            }
            if (sc.path("interrupted").asBoolean(false)) {
                events.add(new LiveEvent.Interrupted());
            }
            if (sc.path("generationComplete").asBoolean(false)) {
                events.add(new LiveEvent.GenerationComplete());
            }
            turnComplete = sc.path("turnComplete").asBoolean(false);
        }
        JsonNode tc = msg.get("toolCall");
        if (tc != null && tc.isObject()) {
            List<FunctionCall> calls = new ArrayList<>();
            for (JsonNode c : iterable(tc.get("functionCalls"))) {
                JsonNode args = c.get("args");
                calls.add(new FunctionCall(c.path("id").asText(""), c.path("name").asText(""),
                        args != null && args.isObject() ? (ObjectNode) args : NODES.objectNode()));
            }
            events.add(new LiveEvent.ToolCall(calls));
        }
        JsonNode cancel = msg.get("toolCallCancellation");
        if (cancel != null && cancel.isObject()) {
            List<String> ids = new ArrayList<>();
            for (JsonNode id : iterable(cancel.get("ids"))) {
                ids.add(id.asText());
            }
            events.add(new LiveEvent.ToolCallCancellation(ids));
        }
        JsonNode goAway = msg.get("goAway");
        if (goAway != null && goAway.isObject()) {
            events.add(new LiveEvent.GoAway(protoDuration(goAway.path("timeLeft").asText(""))));
        }
        JsonNode sru = msg.get("sessionResumptionUpdate");
        if (sru != null && sru.isObject()) {
            JsonNode h = sru.get("newHandle");
            events.add(new LiveEvent.SessionResumptionUpdate(h != null && h.isTextual() ? h.asText() : null,
                    sru.path("resumable").asBoolean(false)));
        }
        JsonNode usage = msg.get("usageMetadata");
        if (usage != null && usage.isObject()) {
            events.add(new LiveEvent.Usage(new UsageMetadata(
                    usage.path("promptTokenCount").asLong(0), usage.path("responseTokenCount").asLong(0),
                    usage.path("totalTokenCount").asLong(0), usage.path("cachedContentTokenCount").asLong(0),
                    usage.path("toolUsePromptTokenCount").asLong(0), usage.path("thoughtsTokenCount").asLong(0))));
        }
        if (turnComplete) {
            events.add(new LiveEvent.TurnComplete());
        }
        return new ServerMessage(setupComplete, events);
    }

    private static Iterable<JsonNode> iterable(@Nullable JsonNode array) {
        return array != null && array.isArray() ? array : List.of();
    }

    /** The sample rate in an audio MIME type ({@code audio/pcm;rate=24000}), else 24 kHz. */
    static int rateOf(String mime) {
        Matcher m = RATE.matcher(mime);
        if (m.find()) {
            try {
                int r = Integer.parseInt(m.group(1));
                if (r > 0) {
                    return r;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        return DEFAULT_OUTPUT_RATE;
    }

    /** A proto JSON duration ({@code "50s"}, {@code "1.5s"}); zero when it cannot be read. */
    static Duration protoDuration(String s) {
        Matcher m = PROTO_DURATION.matcher(s.trim());
        if (!m.matches()) {
            return Duration.ZERO;
        }
        BigDecimal seconds = new BigDecimal(m.group(1));
        return Duration.ofNanos(seconds.movePointRight(9).longValue());
    }
}
