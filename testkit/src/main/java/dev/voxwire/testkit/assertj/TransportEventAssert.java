package dev.voxwire.testkit.assertj;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TransportEvent;
import java.util.Objects;
import java.util.Optional;
import org.assertj.core.api.AbstractObjectAssert;
import org.jspecify.annotations.Nullable;

/**
 * AssertJ assertions on a {@link TransportEvent}; get one from
 * {@link VoxwireAssertions#assertThat(TransportEvent)}. Each failure message shows the whole event.
 */
public final class TransportEventAssert extends AbstractObjectAssert<TransportEventAssert, TransportEvent> {

    TransportEventAssert(@Nullable TransportEvent actual) {
        super(actual, TransportEventAssert.class);
    }

    /** The event is an {@code Error} with this code. */
    public TransportEventAssert isError(ErrorCode code) {
        Objects.requireNonNull(code, "code");
        isNotNull();
        if (!(actual instanceof TransportEvent.Error e) || e.code() != code) {
            failWithMessage("Expected an error event with code <%s> but was <%s>", code, actual);
        }
        return this;
    }

    /** The event is an {@code Error} that suggests a retry. */
    public TransportEventAssert isRetrySuggested() {
        isNotNull();
        if (!(actual instanceof TransportEvent.Error e) || !e.retrySuggested()) {
            failWithMessage("Expected an error event suggesting a retry but was <%s>", actual);
        }
        return this;
    }

    /**
     * The event names this request: a {@code Progress}, {@code Result} or {@code Error} of it, or a
     * {@code Message} that carries it.
     */
    public TransportEventAssert hasRequestId(String requestId) {
        Objects.requireNonNull(requestId, "requestId");
        isNotNull();
        Optional<String> id = requestIdOf(actual);
        if (id.isEmpty() || !id.get().equals(requestId)) {
            failWithMessage("Expected an event of request <%s> but was <%s>", requestId, actual);
        }
        return this;
    }

    /** The event names no request. */
    public TransportEventAssert hasNoRequestId() {
        isNotNull();
        if (requestIdOf(actual).isPresent()) {
            failWithMessage("Expected an event of no request but was <%s>", actual);
        }
        return this;
    }

    /** The event is a {@code StateChanged} from {@code from} to {@code to}. */
    public TransportEventAssert isStateChange(ConnectionState from, ConnectionState to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        isNotNull();
        if (!(actual instanceof TransportEvent.StateChanged s) || s.from() != from || s.to() != to) {
            failWithMessage("Expected a state change <%s -> %s> but was <%s>", from, to, actual);
        }
        return this;
    }

    /** The event is a {@code StateChanged} to {@code to}, from any state. */
    public TransportEventAssert isStateChangeTo(ConnectionState to) {
        Objects.requireNonNull(to, "to");
        isNotNull();
        if (!(actual instanceof TransportEvent.StateChanged s) || s.to() != to) {
            failWithMessage("Expected a state change to <%s> but was <%s>", to, actual);
        }
        return this;
    }

    /** The event is a {@code Result} or {@code Progress} or {@code Message} whose envelope has this type. */
    public TransportEventAssert hasEnvelopeType(String type) {
        Objects.requireNonNull(type, "type");
        isNotNull();
        @Nullable String actualType = null;
        if (actual instanceof TransportEvent.Message m) {
            actualType = m.envelope().type();
        } else if (actual instanceof TransportEvent.Progress p) {
            actualType = p.envelope().type();
        } else if (actual instanceof TransportEvent.Result r) {
            actualType = r.envelope().type();
        }
        if (!type.equals(actualType)) {
            failWithMessage("Expected an event carrying an envelope of type <%s> but was <%s>", type, actual);
        }
        return this;
    }

    /** The request id an event names, if any. */
    static Optional<String> requestIdOf(TransportEvent event) {
        if (event instanceof TransportEvent.Message m) {
            return Optional.ofNullable(m.requestId());
        } else if (event instanceof TransportEvent.Progress p) {
            return Optional.of(p.requestId());
        } else if (event instanceof TransportEvent.Result r) {
            return Optional.of(r.requestId());
        } else if (event instanceof TransportEvent.Error e) {
            return Optional.ofNullable(e.requestId());
        }
        return Optional.empty();
    }
}
