package dev.voxwire.gemini;

/** What the model answers with ({@code generationConfig.responseModalities}). */
public enum Modality {
    /** Text parts. */
    TEXT,
    /** 24 kHz 16-bit PCM audio parts. */
    AUDIO
}
