package dev.voxwire.core.reliability;

/** TEMP stub (replaced at merge): the outbound priority of an event type. */
public final class Priorities {
    private Priorities() {
    }

    public static Priority of(String eventType) {
        if (eventType.equals("user:typing") || eventType.startsWith("presence:")) {
            return Priority.EPHEMERAL;
        }
        if (eventType.startsWith("system:") || eventType.equals("error") || eventType.startsWith("request:")
                || eventType.startsWith("session:")) {
            return Priority.CONTROL;
        }
        if (eventType.startsWith("audio:") || eventType.equals("live:audio")) {
            return Priority.AUDIO;
        }
        return Priority.MESSAGE;
    }
}
