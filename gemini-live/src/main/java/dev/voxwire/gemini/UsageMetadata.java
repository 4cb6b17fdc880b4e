package dev.voxwire.gemini;

/**
 * Token counts the service reports ({@code usageMetadata}); fields it did not send are 0.
 *
 * @param promptTokenCount tokens of the input so far
 * @param responseTokenCount tokens of the model's answer
 * @param totalTokenCount all tokens
 * @param cachedContentTokenCount tokens served from cache
 * @param toolUsePromptTokenCount tokens of tool-use prompts
 * @param thoughtsTokenCount thinking tokens
 */
public record UsageMetadata(
        long promptTokenCount,
        long responseTokenCount,
        long totalTokenCount,
        long cachedContentTokenCount,
        long toolUsePromptTokenCount,
        long thoughtsTokenCount) {
}
