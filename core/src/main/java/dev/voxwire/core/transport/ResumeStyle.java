package dev.voxwire.core.transport;

/** How a transport resumes its server session after a reconnect (when {@code TransportConfig.resume()} is on). */
public enum ResumeStyle {
    /**
     * The engine sends {@code session:resume {sessionId, lastSeq}} as the first message on the new
     * link and waits for {@code session:resumed} or {@code session:reset} (at most the connect
     * timeout) before writing anything else. The WebSocket way.
     */
    IN_BAND,
    /**
     * The link asks for the session while opening (given {@link LinkOpenRequest#resumeFrom()}),
     * and says with {@link Link#resumed()} whether the server resumed it. The SSE way
     * ({@code X-Voxwire-Session}, {@code Last-Event-ID}).
     */
    AT_OPEN,
    /** Never resume: every reconnect is a new session. */
    NONE
}
