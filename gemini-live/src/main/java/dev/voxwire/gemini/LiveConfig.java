package dev.voxwire.gemini;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a Live session asks the service for: everything of the {@code setup} message. Immutable;
 * {@link #toBuilder()} for variants.
 *
 * <pre>{@code
 * LiveConfig config = LiveConfig.builder()
 *         .model("gemini-3.8-live")
 *         .responseModalities(Modality.TEXT)
 *         .systemInstruction("You are a helpful assistant.")
 *         .inputAudioTranscription(true)
 *         .build();
 * }</pre>
 */
public final class LiveConfig {
    /** The default model. */
    public static final String DEFAULT_MODEL = "gemini-3.8-live";
    /** The default response modality. */
    public static final Modality DEFAULT_MODALITY = Modality.AUDIO;

    private final String model;
    private final Set<Modality> responseModalities;
    private final @Nullable String voiceName;
    private final @Nullable String languageCode;
    private final @Nullable String systemInstruction;
    private final List<FunctionDeclaration> tools;
    private final boolean automaticActivityDetection;
    private final boolean inputAudioTranscription;
    private final boolean outputAudioTranscription;
    private final boolean contextWindowCompression;
    private final @Nullable Long compressionTriggerTokens;
    private final @Nullable Long compressionTargetTokens;
    private final boolean sessionResumption;
    private final @Nullable String resumptionHandle;
    private final @Nullable Double temperature;

    private LiveConfig(Builder b) {
        this.model = b.model;
        this.responseModalities = Collections.unmodifiableSet(new LinkedHashSet<>(b.responseModalities));
        this.voiceName = b.voiceName;
        this.languageCode = b.languageCode;
        this.systemInstruction = b.systemInstruction;
        this.tools = List.copyOf(b.tools);
        this.automaticActivityDetection = b.automaticActivityDetection;
        this.inputAudioTranscription = b.inputAudioTranscription;
        this.outputAudioTranscription = b.outputAudioTranscription;
        this.contextWindowCompression = b.contextWindowCompression;
        this.compressionTriggerTokens = b.compressionTriggerTokens;
        this.compressionTargetTokens = b.compressionTargetTokens;
        this.sessionResumption = b.sessionResumption;
        this.resumptionHandle = b.resumptionHandle;
        this.temperature = b.temperature;
    }

    /** A builder with the defaults: {@value #DEFAULT_MODEL}, AUDIO, automatic activity detection, resumption on. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static LiveConfig ofDefaults() {
        return builder().build();
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.responseModalities.clear();
        b.responseModalities.addAll(responseModalities);
        b.voiceName = voiceName;
        b.languageCode = languageCode;
        b.systemInstruction = systemInstruction;
        b.tools.addAll(tools);
        b.automaticActivityDetection = automaticActivityDetection;
        b.inputAudioTranscription = inputAudioTranscription;
        b.outputAudioTranscription = outputAudioTranscription;
        b.contextWindowCompression = contextWindowCompression;
        b.compressionTriggerTokens = compressionTriggerTokens;
        b.compressionTargetTokens = compressionTargetTokens;
        b.sessionResumption = sessionResumption;
        b.resumptionHandle = resumptionHandle;
        b.temperature = temperature;
        return b;
    }

    /** The model name without {@code models/} (it is added on the wire). */
    public String model() {
        return model;
    }

    public Set<Modality> responseModalities() {
        return responseModalities;
    }

    /** The prebuilt voice ({@code speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName}). */
    public Optional<String> voiceName() {
        return Optional.ofNullable(voiceName);
    }

    /** The speech language ({@code speechConfig.languageCode}), such as {@code en-US}. */
    public Optional<String> languageCode() {
        return Optional.ofNullable(languageCode);
    }

    public Optional<String> systemInstruction() {
        return Optional.ofNullable(systemInstruction);
    }

    /** The function declarations offered to the model. */
    public List<FunctionDeclaration> tools() {
        return tools;
    }

    /**
     * Whether the service detects speech by itself (the default). When false, the client marks
     * speech with {@link LiveSession#activityStart()} and {@link LiveSession#activityEnd()}.
     */
    public boolean automaticActivityDetection() {
        return automaticActivityDetection;
    }

    public boolean inputAudioTranscription() {
        return inputAudioTranscription;
    }

    public boolean outputAudioTranscription() {
        return outputAudioTranscription;
    }

    /** Whether sliding-window context compression is on (sessions of unlimited length). */
    public boolean contextWindowCompression() {
        return contextWindowCompression;
    }

    /** Tokens at which compression starts; the service's default when empty. */
    public OptionalLong compressionTriggerTokens() {
        return compressionTriggerTokens == null ? OptionalLong.empty() : OptionalLong.of(compressionTriggerTokens);
    }

    /** Tokens kept after compression; the service's default when empty. */
    public OptionalLong compressionTargetTokens() {
        return compressionTargetTokens == null ? OptionalLong.empty() : OptionalLong.of(compressionTargetTokens);
    }

    /**
     * Whether the setup asks for session resumption (default true). Without it the service
     * sends no handles, and a {@code goAway} handover or a reconnect starts a fresh conversation.
     */
    public boolean sessionResumption() {
        return sessionResumption;
    }

    /** A handle of an earlier session to resume on the first connection. */
    public Optional<String> resumptionHandle() {
        return Optional.ofNullable(resumptionHandle);
    }

    public OptionalDouble temperature() {
        return temperature == null ? OptionalDouble.empty() : OptionalDouble.of(temperature);
    }

    @Override
    public String toString() {
        return "LiveConfig{model=" + model + ", responseModalities=" + responseModalities
                + ", voiceName=" + voiceName + ", languageCode=" + languageCode
                + ", systemInstruction=" + (systemInstruction == null ? "none" : systemInstruction.length() + " chars")
                + ", tools=" + tools + ", automaticActivityDetection=" + automaticActivityDetection
                + ", inputAudioTranscription=" + inputAudioTranscription
                + ", outputAudioTranscription=" + outputAudioTranscription
                + ", contextWindowCompression=" + contextWindowCompression
                + ", sessionResumption=" + sessionResumption
                + ", resumptionHandle=" + (resumptionHandle == null ? "none" : "<set>")
                + ", temperature=" + temperature + "}";
    }

    /** Builds a {@link LiveConfig}; every setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        private String model = DEFAULT_MODEL;
        private final Set<Modality> responseModalities = new LinkedHashSet<>(List.of(DEFAULT_MODALITY));
        private @Nullable String voiceName;
        private @Nullable String languageCode;
        private @Nullable String systemInstruction;
        private final List<FunctionDeclaration> tools = new ArrayList<>();
        private boolean automaticActivityDetection = true;
        private boolean inputAudioTranscription;
        private boolean outputAudioTranscription;
        private boolean contextWindowCompression;
        private @Nullable Long compressionTriggerTokens;
        private @Nullable Long compressionTargetTokens;
        private boolean sessionResumption = true;
        private @Nullable String resumptionHandle;
        private @Nullable Double temperature;

        private Builder() {
        }

        /** The model, with or without {@code models/}. */
        public Builder model(String model) {
            requireNonNull(model, "model");
            String bare = model.startsWith("models/") ? model.substring("models/".length()) : model;
            if (bare.isBlank() || bare.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("model: '" + model + "' (expected: a model name such as "
                        + DEFAULT_MODEL + ")");
            }
            this.model = bare;
            return this;
        }

        /** The response modalities (at least one). */
        public Builder responseModalities(Modality first, Modality... more) {
            requireNonNull(first, "first");
            requireNonNull(more, "more");
            responseModalities.clear();
            responseModalities.add(first);
            for (Modality m : more) {
                responseModalities.add(requireNonNull(m, "modality"));
            }
            return this;
        }

        public Builder voiceName(String voiceName) {
            this.voiceName = nonBlank(voiceName, "voiceName");
            return this;
        }

        public Builder languageCode(String languageCode) {
            this.languageCode = nonBlank(languageCode, "languageCode");
            return this;
        }

        public Builder systemInstruction(String systemInstruction) {
            this.systemInstruction = requireNonNull(systemInstruction, "systemInstruction");
            return this;
        }

        /** Adds a function the model may call. */
        public Builder addTool(FunctionDeclaration function) {
            requireNonNull(function, "function");
            for (FunctionDeclaration f : tools) {
                if (f.name().equals(function.name())) {
                    throw new IllegalArgumentException("tool: '" + function.name() + "' (expected: a unique name)");
                }
            }
            tools.add(function);
            return this;
        }

        /** Automatic activity detection on (default) or off (manual {@code activityStart}/{@code activityEnd}). */
        public Builder automaticActivityDetection(boolean on) {
            this.automaticActivityDetection = on;
            return this;
        }

        public Builder inputAudioTranscription(boolean on) {
            this.inputAudioTranscription = on;
            return this;
        }

        public Builder outputAudioTranscription(boolean on) {
            this.outputAudioTranscription = on;
            return this;
        }

        /** Sliding-window context compression with the service's default token counts. */
        public Builder contextWindowCompression(boolean on) {
            this.contextWindowCompression = on;
            if (!on) {
                compressionTriggerTokens = null;
                compressionTargetTokens = null;
            }
            return this;
        }

        /** Sliding-window context compression starting at {@code triggerTokens}, keeping {@code targetTokens}. */
        public Builder contextWindowCompression(long triggerTokens, long targetTokens) {
            if (triggerTokens <= 0) {
                throw new IllegalArgumentException("triggerTokens: " + triggerTokens + " (expected: > 0)");
            }
            if (targetTokens <= 0 || targetTokens > triggerTokens) {
                throw new IllegalArgumentException("targetTokens: " + targetTokens + " (expected: 1.."
                        + triggerTokens + ")");
            }
            this.contextWindowCompression = true;
            this.compressionTriggerTokens = triggerTokens;
            this.compressionTargetTokens = targetTokens;
            return this;
        }

        /** Whether to ask for session resumption (default true). */
        public Builder sessionResumption(boolean on) {
            this.sessionResumption = on;
            return this;
        }

        /** Resumes an earlier session from its handle (needs {@link #sessionResumption(boolean)} on). */
        public Builder resumptionHandle(String handle) {
            this.resumptionHandle = nonBlank(handle, "resumptionHandle");
            return this;
        }

        public Builder temperature(double temperature) {
            if (!(temperature >= 0.0 && temperature <= 2.0)) {
                throw new IllegalArgumentException("temperature: " + temperature + " (expected: 0.0..2.0)");
            }
            this.temperature = temperature;
            return this;
        }

        public LiveConfig build() {
            if (resumptionHandle != null && !sessionResumption) {
                throw new IllegalArgumentException("resumptionHandle: set while sessionResumption is false "
                        + "(expected: sessionResumption(true))");
            }
            return new LiveConfig(this);
        }

        private static String nonBlank(String v, String name) {
            requireNonNull(v, name);
            if (v.isBlank()) {
                throw new IllegalArgumentException(name + ": '" + v + "' (expected: non-blank)");
            }
            return v;
        }
    }
}
