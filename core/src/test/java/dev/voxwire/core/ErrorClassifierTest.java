package dev.voxwire.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ErrorClassifierTest {

    /** Stands in for Netty's io.netty.channel.ConnectTimeoutException, which extends ConnectException. */
    static final class ConnectTimeoutException extends ConnectException {
        ConnectTimeoutException(String m) {
            super(m);
        }
    }

    /** A Netty-like timeout that is not a java.util.concurrent.TimeoutException. */
    static final class ReadTimeoutException extends RuntimeException {
    }

    static JsonParseException jsonError() {
        try {
            new ObjectMapper().readTree("{");
            throw new AssertionError("parsed");
        } catch (JsonParseException e) {
            return e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Arguments> throwables() {
        return Stream.of(
                Arguments.of(new VoxwireException(ErrorCode.QUOTA_EXCEEDED, "q"), ErrorCode.QUOTA_EXCEEDED),
                Arguments.of(new CompletionException(new VoxwireException(ErrorCode.AUTH_FAILED, "a")),
                        ErrorCode.AUTH_FAILED),
                Arguments.of(new ExecutionException(new CompletionException(new ConnectException("refused"))),
                        ErrorCode.NETWORK),
                Arguments.of(new ConnectException("Connection refused"), ErrorCode.NETWORK),
                Arguments.of(new ClosedChannelException(), ErrorCode.NETWORK),
                Arguments.of(new IOException("Connection reset by peer"), ErrorCode.NETWORK),
                Arguments.of(new SocketException("Connection reset"), ErrorCode.NETWORK),
                Arguments.of(new IOException("Broken pipe"), ErrorCode.NETWORK),
                Arguments.of(new UnknownHostException("nowhere.invalid"), ErrorCode.NETWORK),
                Arguments.of(new NoRouteToHostException("no route"), ErrorCode.NETWORK),
                Arguments.of(new SocketTimeoutException("read timed out"), ErrorCode.CONNECTION_TIMEOUT),
                Arguments.of(new TimeoutException(), ErrorCode.CONNECTION_TIMEOUT),
                Arguments.of(new ConnectTimeoutException("connection timed out: /10.0.0.1:443"),
                        ErrorCode.CONNECTION_TIMEOUT),
                Arguments.of(new ReadTimeoutException(), ErrorCode.CONNECTION_TIMEOUT),
                Arguments.of(new SSLHandshakeException("PKIX path building failed"), ErrorCode.PROTOCOL),
                Arguments.of(new RuntimeException("decoder", new SSLHandshakeException("bad cert")),
                        ErrorCode.PROTOCOL),
                Arguments.of(jsonError(), ErrorCode.INVALID_PAYLOAD),
                Arguments.of(new CancellationException(), ErrorCode.CANCELLED),
                Arguments.of(new IllegalStateException("bug"), ErrorCode.SERVER_ERROR),
                Arguments.of(new EOFException(), ErrorCode.SERVER_ERROR),
                Arguments.of(new CompletionException(null), ErrorCode.SERVER_ERROR));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("throwables")
    void classifiesThrowables(Throwable t, ErrorCode expected) {
        assertThat(ErrorClassifier.classify(t)).isEqualTo(expected);
    }

    @Test
    void causeCyclesDoNotLoop() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(ErrorClassifier.classify(b)).isEqualTo(ErrorCode.SERVER_ERROR);
    }

    @ParameterizedTest(name = "{0} \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "1000 | NULL                                               | CLOSED",
        "1001 | server restarting                                  | GOING_AWAY",
        "1002 | bad frame                                          | PROTOCOL",
        "1003 | NULL                                               | UNSUPPORTED_AUDIO",
        "1006 | NULL                                               | NETWORK",
        "1006 | RESOURCE_EXHAUSTED                                 | QUOTA_EXCEEDED",
        "1007 | Request contains an invalid argument.              | INVALID_PAYLOAD",
        "1007 | API key expired. Please renew the API key.         | AUTH_FAILED",
        "1007 | API key not valid. Please pass a valid API key.    | AUTH_FAILED",
        "1007 | User location is not supported for the API use.    | FORBIDDEN",
        "1008 | NULL                                               | FORBIDDEN",
        "1008 | models/x is not found for API version v1beta, or is not supported for bidiGenerateContent | PROTOCOL",
        "1008 | Operation is not implemented, or supported, or enabled | PROTOCOL",
        "1008 | Requested entity was not found                     | PROTOCOL",
        "1008 | You exceeded your current quota                    | QUOTA_EXCEEDED",
        "1009 | NULL                                               | PAYLOAD_TOO_LARGE",
        "1011 | Internal error occurred.                           | SERVER_ERROR",
        "1011 | The service is currently unavailable.              | SERVER_ERROR",
        "1011 | Deadline expired before operation could complete.  | SERVER_ERROR",
        "1011 | RESOURCE_EXHAUSTED: quota                          | QUOTA_EXCEEDED",
        "1012 | NULL                                               | GOING_AWAY",
        "1013 | NULL                                               | SERVER_ERROR",
        "4001 | token expired                                      | AUTH_FAILED",
        "4008 | NULL                                               | SLOW_CONSUMER",
        "4010 | NULL                                               | SESSION_EXPIRED",
        "4029 | NULL                                               | RATE_LIMITED",
        "4999 | NULL                                               | SERVER_ERROR",
        "3000 | NULL                                               | SERVER_ERROR",
    })
    void classifiesCloseCodesRefinedByReason(int code, String reason, ErrorCode expected) {
        assertThat(ErrorClassifier.fromCloseCode(code, reason)).isEqualTo(expected);
        assertThat(ErrorClassifier.fromCloseCode(CloseCode.valueOf(code), reason)).isEqualTo(expected);
    }

    @Test
    void geminiRefinementsKeepTheRightRetryability() {
        assertThat(ErrorClassifier.fromCloseCode(1008, "Requested entity was not found").retryable()).isFalse();
        assertThat(ErrorClassifier.fromCloseCode(1011, "Deadline expired before operation could complete.")
                .retryable()).isTrue();
        assertThat(ErrorClassifier.fromCloseCode(1007, "API key expired. Please renew the API key.").retryable())
                .isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "400, INVALID_PAYLOAD", "401, AUTH_FAILED", "403, FORBIDDEN", "404, PROTOCOL", "405, PROTOCOL",
        "408, CONNECTION_TIMEOUT", "410, SESSION_EXPIRED", "413, PAYLOAD_TOO_LARGE", "415, UNSUPPORTED_AUDIO",
        "426, PROTOCOL", "429, RATE_LIMITED", "499, CANCELLED", "500, SERVER_ERROR", "501, PROTOCOL",
        "502, ENGINE_ERROR", "503, SERVER_ERROR", "504, CONNECTION_TIMEOUT", "599, SERVER_ERROR",
        "200, PROTOCOL", "302, PROTOCOL", "101, PROTOCOL", "418, PROTOCOL"
    })
    void classifiesHttpStatuses(int status, ErrorCode expected) {
        assertThat(ErrorClassifier.fromHttpStatus(status)).isEqualTo(expected);
    }

    @Test
    void statusesOutsideHttpAreRejected() {
        assertThatThrownBy(() -> ErrorClassifier.fromHttpStatus(600)).hasMessage("status: 600 (expected: 100-599)");
        assertThatThrownBy(() -> ErrorClassifier.fromHttpStatus(99)).hasMessageContaining("99");
    }

    @Test
    void wireCodesMapByNameAndUnknownOnesAreServerErrors() {
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(ErrorClassifier.fromWireCode(c.name())).isEqualTo(c);
        }
        assertThat(ErrorClassifier.fromWireCode("rate_limited")).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(ErrorClassifier.fromWireCode("SOMETHING_NEW")).isEqualTo(ErrorCode.SERVER_ERROR);
        assertThat(ErrorClassifier.fromWireCode("")).isEqualTo(ErrorCode.SERVER_ERROR);
        assertThat(ErrorClassifier.fromWireCode(null)).isEqualTo(ErrorCode.SERVER_ERROR);
    }

    @Test
    void toExceptionKeepsVoxwireExceptionsAndWrapsOthers() {
        VoxwireException original = new VoxwireException(ErrorCode.AUTH_FAILED, "bad token");
        assertThat(ErrorClassifier.toException(new CompletionException(original))).isSameAs(original);

        ConnectException refused = new ConnectException("Connection refused");
        VoxwireException wrapped = ErrorClassifier.toException(new CompletionException(refused));
        assertThat(wrapped.code()).isEqualTo(ErrorCode.NETWORK);
        assertThat(wrapped).hasMessage("ConnectException: Connection refused").hasCause(refused);

        VoxwireException closed = ErrorClassifier.toException(1011, "Internal error occurred.");
        assertThat(closed.code()).isEqualTo(ErrorCode.SERVER_ERROR);
        assertThat(closed).hasMessage("connection closed with INTERNAL_ERROR(1011): Internal error occurred.");
        assertThat(ErrorClassifier.toException(4321, null)).hasMessage("connection closed with UNKNOWN_4321(4321)");
    }
}
