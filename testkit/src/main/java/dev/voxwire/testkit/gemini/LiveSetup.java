package dev.voxwire.testkit.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** A validated {@code setup} message. */
record LiveSetup(
        String model,
        List<String> responseModalities,
        boolean inputTranscription,
        boolean outputTranscription,
        boolean resumption,
        @Nullable String resumptionHandle,
        boolean manualActivity,
        boolean activityInterrupts,
        int silenceDurationMs) {

    static final int DEFAULT_SILENCE_MS = 500;

    private static final Set<String> SETUP_FIELDS = Set.of("model", "generationConfig", "systemInstruction", "tools",
            "realtimeInputConfig", "sessionResumption", "contextWindowCompression", "inputAudioTranscription",
            "outputAudioTranscription", "proactivity", "historyConfig", "avatarConfig");
    private static final Set<String> GENERATION_FIELDS = Set.of("candidateCount", "maxOutputTokens", "temperature",
            "topP", "topK", "presencePenalty", "frequencyPenalty", "seed", "responseModalities", "speechConfig",
            "mediaResolution", "thinkingConfig", "enableAffectiveDialog");
    /** Fields of the proto's GenerationConfig the Live API does not support. */
    private static final Set<String> UNSUPPORTED_GENERATION_FIELDS = Set.of("responseLogprobs", "responseMimeType",
            "logprobs", "responseSchema", "responseJsonSchema", "stopSequences", "stopSequence", "routingConfig",
            "audioTimestamp");
    private static final Set<String> REALTIME_CONFIG_FIELDS = Set.of("automaticActivityDetection",
            "activityHandling", "turnCoverage");
    private static final Set<String> AAD_FIELDS = Set.of("disabled", "startOfSpeechSensitivity",
            "endOfSpeechSensitivity", "prefixPaddingMs", "silenceDurationMs");
    private static final Set<String> MODALITIES = Set.of("TEXT", "AUDIO");
    private static final Set<String> START_SENSITIVITY = Set.of("START_SENSITIVITY_UNSPECIFIED",
            "START_SENSITIVITY_HIGH", "START_SENSITIVITY_LOW");
    private static final Set<String> END_SENSITIVITY = Set.of("END_SENSITIVITY_UNSPECIFIED",
            "END_SENSITIVITY_HIGH", "END_SENSITIVITY_LOW");
    private static final Set<String> ACTIVITY_HANDLING = Set.of("ACTIVITY_HANDLING_UNSPECIFIED",
            "START_OF_ACTIVITY_INTERRUPTS", "NO_INTERRUPTION");
    private static final Set<String> TURN_COVERAGE = Set.of("TURN_COVERAGE_UNSPECIFIED",
            "TURN_INCLUDES_ONLY_ACTIVITY", "TURN_INCLUDES_ALL_INPUT", "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO");
    private static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:-]{0,63}");
    private static final Pattern INT64 = Pattern.compile("-?[0-9]{1,19}");

    /**
     * Validates a {@code setup} the way the service does.
     *
     * @throws Rejection with 1007 for a malformed or unsupported field, 1008 for an unknown model
     */
    static LiveSetup parse(JsonNode setup, Set<String> knownModels, String apiVersion) {
        requireObject(setup);
        checkFields(setup, SETUP_FIELDS, "setup");
        JsonNode modelNode = setup.get("model");
        if (modelNode == null || !modelNode.isTextual() || modelNode.asText().isBlank()) {
            throw Rejection.invalidArgument();
        }
        String model = modelNode.asText();
        String bare = model.startsWith("models/") ? model.substring("models/".length()) : model;
        if (!knownModels.contains(bare)) {
            throw new Rejection(GeminiCloseReasons.POLICY_VIOLATION, GeminiCloseReasons.unknownModel(model, apiVersion));
        }

        Set<String> modalities = new LinkedHashSet<>();
        JsonNode gen = setup.get("generationConfig");
        if (gen != null) {
            requireObject(gen);
            for (Iterator<String> it = gen.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (UNSUPPORTED_GENERATION_FIELDS.contains(f)) {
                    throw Rejection.invalidArgument();
                }
                if (!GENERATION_FIELDS.contains(f)) {
                    throw Rejection.unknownField(f, "setup.generation_config");
                }
            }
            JsonNode rm = gen.get("responseModalities");
            if (rm != null) {
                if (!rm.isArray()) {
                    throw Rejection.invalidArgument();
                }
                for (JsonNode m : rm) {
                    if (!m.isTextual() || !MODALITIES.contains(m.asText())) {
                        throw Rejection.invalidArgument();
                    }
                    modalities.add(m.asText());
                }
            }
            requireNumber(gen, "temperature");
            requireNumber(gen, "topP");
            requireNumber(gen, "presencePenalty");
            requireNumber(gen, "frequencyPenalty");
            requireInteger(gen, "topK");
            requireInteger(gen, "maxOutputTokens");
            requireInteger(gen, "candidateCount");
            requireInteger(gen, "seed");
            optionalObject(gen, "speechConfig");
            optionalObject(gen, "thinkingConfig");
        }
        if (modalities.isEmpty()) {
            modalities.add("AUDIO");
        }

        JsonNode system = setup.get("systemInstruction");
        if (system != null) {
            requireObject(system);
            JsonNode parts = system.get("parts");
            if (parts != null && !parts.isArray()) {
                throw Rejection.invalidArgument();
            }
        }
        JsonNode tools = setup.get("tools");
        if (tools != null) {
            if (!tools.isArray()) {
                throw Rejection.invalidArgument();
            }
            for (JsonNode tool : tools) {
                requireObject(tool);
                JsonNode decls = tool.get("functionDeclarations");
                if (decls == null) {
                    continue;
                }
                if (!decls.isArray()) {
                    throw Rejection.invalidArgument();
                }
                for (JsonNode d : decls) {
                    requireObject(d);
                    JsonNode name = d.get("name");
                    if (name == null || !name.isTextual() || !FUNCTION_NAME.matcher(name.asText()).matches()) {
                        throw Rejection.invalidArgument();
                    }
                }
            }
        }

        boolean manual = false;
        boolean interrupts = true;
        int silenceMs = DEFAULT_SILENCE_MS;
        JsonNode ric = setup.get("realtimeInputConfig");
        if (ric != null) {
            requireObject(ric);
            checkFields(ric, REALTIME_CONFIG_FIELDS, "setup.realtime_input_config");
            JsonNode aad = ric.get("automaticActivityDetection");
            if (aad != null) {
                requireObject(aad);
                checkFields(aad, AAD_FIELDS, "setup.realtime_input_config.automatic_activity_detection");
                JsonNode disabled = aad.get("disabled");
                if (disabled != null) {
                    if (!disabled.isBoolean()) {
                        throw Rejection.invalidArgument();
                    }
                    manual = disabled.asBoolean();
                }
                requireEnum(aad, "startOfSpeechSensitivity", START_SENSITIVITY);
                requireEnum(aad, "endOfSpeechSensitivity", END_SENSITIVITY);
                requireInteger(aad, "prefixPaddingMs");
                requireInteger(aad, "silenceDurationMs");
                JsonNode silence = aad.get("silenceDurationMs");
                if (silence != null) {
                    silenceMs = Math.max(1, silence.asInt());
                }
            }
            requireEnum(ric, "activityHandling", ACTIVITY_HANDLING);
            requireEnum(ric, "turnCoverage", TURN_COVERAGE);
            JsonNode ah = ric.get("activityHandling");
            if (ah != null && ah.asText().equals("NO_INTERRUPTION")) {
                interrupts = false;
            }
        }

        boolean resumption = false;
        String handle = null;
        JsonNode sr = setup.get("sessionResumption");
        if (sr != null) {
            requireObject(sr);
            checkFields(sr, Set.of("handle"), "setup.session_resumption");
            resumption = true;
            JsonNode h = sr.get("handle");
            if (h != null) {
                if (!h.isTextual()) {
                    throw Rejection.invalidArgument();
                }
                handle = h.asText().isEmpty() ? null : h.asText();
            }
        }

        JsonNode cwc = setup.get("contextWindowCompression");
        if (cwc != null) {
            requireObject(cwc);
            checkFields(cwc, Set.of("triggerTokens", "slidingWindow"), "setup.context_window_compression");
            requireInt64(cwc.get("triggerTokens"));
            JsonNode sw = cwc.get("slidingWindow");
            if (sw != null) {
                requireObject(sw);
                checkFields(sw, Set.of("targetTokens"), "setup.context_window_compression.sliding_window");
                requireInt64(sw.get("targetTokens"));
            }
        }
        boolean inputTx = optionalObject(setup, "inputAudioTranscription");
        boolean outputTx = optionalObject(setup, "outputAudioTranscription");
        optionalObject(setup, "proactivity");
        optionalObject(setup, "historyConfig");
        optionalObject(setup, "avatarConfig");

        return new LiveSetup(model, List.copyOf(modalities), inputTx, outputTx, resumption, handle, manual,
                interrupts, silenceMs);
    }

    static void checkFields(JsonNode node, Set<String> known, String at) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw Rejection.unknownField(f, at);
            }
        }
    }

    static void requireObject(@Nullable JsonNode node) {
        if (node == null || !node.isObject()) {
            throw Rejection.invalidArgument();
        }
    }

    private static boolean optionalObject(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        requireObject(n);
        return true;
    }

    private static void requireNumber(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n != null && !n.isNumber()) {
            throw Rejection.invalidArgument();
        }
    }

    private static void requireInteger(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n != null && !(n.isIntegralNumber() || (n.isTextual() && INT64.matcher(n.asText()).matches()))) {
            throw Rejection.invalidArgument();
        }
    }

    private static void requireInt64(@Nullable JsonNode n) {
        if (n != null && !(n.isIntegralNumber() || (n.isTextual() && INT64.matcher(n.asText()).matches()))) {
            throw Rejection.invalidArgument();
        }
    }

    private static void requireEnum(JsonNode parent, String field, Set<String> values) {
        JsonNode n = parent.get(field);
        if (n != null && !(n.isTextual() && values.contains(n.asText()))) {
            throw Rejection.invalidArgument();
        }
    }
}
