package dev.voxwire.testkit.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;

/**
 * JSON for the simulator: parsing client messages and building server messages. Server JSON
 * is pretty-printed with two-space indentation and {@code "key": value} spacing, as the
 * service's frames are in recordings.
 */
final class LiveJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectWriter PRETTY;
    private static final ObjectWriter COMPACT = MAPPER.writer();

    static {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators)
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        PRETTY = MAPPER.writer(printer);
    }

    private LiveJson() {
    }

    static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    /** Fields whose values are free-form (Struct, schema), so their keys are never renamed. */
    private static final java.util.Set<String> OPAQUE = java.util.Set.of("args", "response", "parameters",
            "parametersJsonSchema", "responseSchema", "responseJsonSchema");

    /**
     * Proto JSON parsers accept the original {@code snake_case} field names as well as
     * {@code lowerCamelCase} (Google's Java SDK sends {@code realtime_input}); this renames
     * every field to its camel-case form, leaving free-form values as they are.
     */
    static JsonNode camelCase(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = NODES.objectNode();
            for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                java.util.Map.Entry<String, JsonNode> e = it.next();
                String name = camel(e.getKey());
                out.set(name, OPAQUE.contains(name) ? e.getValue() : camelCase(e.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(n -> out.add(camelCase(n)));
            return out;
        }
        return node;
    }

    static String camel(String name) {
        if (name.indexOf('_') < 0) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length());
        boolean upper = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_') {
                upper = sb.length() > 0;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    static byte[] serverBytes(JsonNode message) {
        try {
            return PRETTY.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static String compact(JsonNode node) {
        try {
            return COMPACT.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ObjectNode setupComplete() {
        ObjectNode m = object();
        m.putObject("setupComplete");
        return m;
    }

    static ObjectNode modelText(String text) {
        ObjectNode m = object();
        ObjectNode turn = m.putObject("serverContent").putObject("modelTurn");
        turn.put("role", "model");
        turn.putArray("parts").addObject().put("text", text);
        return m;
    }

    static ObjectNode modelAudio(byte[] pcm, int offset, int length) {
        ObjectNode m = object();
        ObjectNode turn = m.putObject("serverContent").putObject("modelTurn");
        turn.put("role", "model");
        ObjectNode inline = turn.putArray("parts").addObject().putObject("inlineData");
        inline.put("mimeType", Pcm.OUTPUT_MIME_TYPE);
        byte[] chunk = new byte[length];
        System.arraycopy(pcm, offset, chunk, 0, length);
        inline.put("data", Base64.getEncoder().encodeToString(chunk));
        return m;
    }

    static ObjectNode inputTranscription(String text) {
        ObjectNode m = object();
        m.putObject("serverContent").putObject("inputTranscription").put("text", text);
        return m;
    }

    static ObjectNode outputTranscription(String text) {
        ObjectNode m = object();
        m.putObject("serverContent").putObject("outputTranscription").put("text", text);
        return m;
    }

    static ObjectNode serverContentFlag(String flag) {
        ObjectNode m = object();
        m.putObject("serverContent").put(flag, true);
        return m;
    }

    static ObjectNode turnComplete(ObjectNode usage) {
        ObjectNode m = serverContentFlag("turnComplete");
        m.set("usageMetadata", usage);
        return m;
    }

    static ObjectNode toolCall(String id, String name, JsonNode args) {
        ObjectNode m = object();
        ObjectNode call = m.putObject("toolCall").putArray("functionCalls").addObject();
        call.put("id", id);
        call.put("name", name);
        call.set("args", args);
        return m;
    }

    static ObjectNode toolCallCancellation(Collection<String> ids) {
        ObjectNode m = object();
        ArrayNode a = m.putObject("toolCallCancellation").putArray("ids");
        ids.forEach(a::add);
        return m;
    }

    static ObjectNode goAway(Duration timeLeft) {
        ObjectNode m = object();
        m.putObject("goAway").put("timeLeft", protoDuration(timeLeft));
        return m;
    }

    static ObjectNode resumptionUpdate(String handle) {
        ObjectNode m = object();
        ObjectNode u = m.putObject("sessionResumptionUpdate");
        u.put("newHandle", handle);
        u.put("resumable", true);
        return m;
    }

    static ObjectNode usage(int textPrompt, int audioPrompt, int response, String responseModality) {
        ObjectNode u = object();
        int prompt = textPrompt + audioPrompt;
        u.put("promptTokenCount", prompt);
        u.put("responseTokenCount", response);
        u.put("totalTokenCount", prompt + response);
        ArrayNode pd = u.putArray("promptTokensDetails");
        if (textPrompt > 0) {
            pd.addObject().put("modality", "TEXT").put("tokenCount", textPrompt);
        }
        if (audioPrompt > 0) {
            pd.addObject().put("modality", "AUDIO").put("tokenCount", audioPrompt);
        }
        u.putArray("responseTokensDetails").addObject().put("modality", responseModality).put("tokenCount", response);
        return u;
    }

    /** A {@code google.protobuf.Duration} in proto JSON: {@code "50s"}, {@code "1.500s"}. */
    static String protoDuration(Duration d) {
        long seconds = d.getSeconds();
        int nanos = d.getNano();
        if (nanos == 0) {
            return seconds + "s";
        }
        String frac;
        if (nanos % 1_000_000 == 0) {
            frac = String.format(java.util.Locale.ROOT, "%03d", nanos / 1_000_000);
        } else if (nanos % 1_000 == 0) {
            frac = String.format(java.util.Locale.ROOT, "%06d", nanos / 1_000);
        } else {
            frac = String.format(java.util.Locale.ROOT, "%09d", nanos);
        }
        return seconds + "." + frac + "s";
    }
}
