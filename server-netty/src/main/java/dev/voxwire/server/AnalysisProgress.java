package dev.voxwire.server;

/**
 * How an {@link AudioAnalyzer} reports progress and learns that its request was cancelled.
 * Thread-safe; calls must come from the thread running {@link AudioAnalyzer#analyze}.
 */
public interface AnalysisProgress {
    /** The stage name an analyzer uses when it has no better one. */
    String ANALYZING = "analyzing";

    /**
     * Reports that {@code fraction} (0 to 1) of the analyzer's work is done. The server sends an
     * {@code analysis:progress} event with {@code stage} and the overall progress; reports that do
     * not advance the progress are dropped, so progress never goes backwards.
     */
    void report(String stage, double fraction);

    /** Whether the request was cancelled (by the client or because its connection closed). */
    boolean isCancelled();

    /** A progress that reports nowhere and is never cancelled (for using an analyzer directly). */
    static AnalysisProgress none() {
        return NoProgress.INSTANCE;
    }
}

/** The no-op {@link AnalysisProgress}. */
enum NoProgress implements AnalysisProgress {
    INSTANCE;

    @Override
    public void report(String stage, double fraction) {
    }

    @Override
    public boolean isCancelled() {
        return false;
    }
}
