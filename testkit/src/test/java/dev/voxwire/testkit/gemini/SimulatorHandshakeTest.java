package dev.voxwire.testkit.gemini;

import static dev.voxwire.testkit.gemini.LiveTestClient.setup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SimulatorHandshakeTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static GeminiLiveSimulator sim;
    private static GeminiLiveSimulator strict;

    @BeforeAll
    static void start() {
        sim = GeminiLiveSimulator.builder().build().start();
        strict = GeminiLiveSimulator.builder().requireApiKey("right-key").acceptToken("auth_tokens/good").build().start();
    }

    @AfterAll
    static void stop() {
        sim.close();
        strict.close();
    }

    static Stream<Arguments> variants() {
        String beta = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";
        String alpha = "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent";
        String constrained = "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained";
        return Stream.of(
                Arguments.of(beta + "?key=k1", Map.of(), SimulatedSession.Credential.API_KEY_QUERY, "v1beta"),
                Arguments.of(alpha + "?key=k1", Map.of(), SimulatedSession.Credential.API_KEY_QUERY, "v1alpha"),
                Arguments.of("/" + beta + "?key=k1", Map.of(), SimulatedSession.Credential.API_KEY_QUERY, "v1beta"),
                Arguments.of(beta, Map.of("x-goog-api-key", "k1"), SimulatedSession.Credential.API_KEY_HEADER, "v1beta"),
                Arguments.of("/" + alpha, Map.of("x-goog-api-key", "k1"), SimulatedSession.Credential.API_KEY_HEADER,
                        "v1alpha"),
                Arguments.of(constrained + "?access_token=auth_tokens/abc", Map.of(),
                        SimulatedSession.Credential.TOKEN_QUERY, "v1alpha"),
                Arguments.of(constrained, Map.of("Authorization", "Token auth_tokens/abc"),
                        SimulatedSession.Credential.TOKEN_HEADER, "v1alpha"));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void acceptsEveryPathAndCredentialVariantTheSdksUse(String pathAndQuery, Map<String, String> headers,
            SimulatedSession.Credential credential, String apiVersion) {
        URI uri = URI.create("ws://127.0.0.1:" + sim.port() + pathAndQuery);
        int before = sim.sessions().size();
        try (LiveTestClient c = LiveTestClient.connect(HTTP, uri, headers)) {
            c.send(setup("TEXT"));
            assertThat(c.next().has("setupComplete")).isTrue();
            SimulatedSession s = sim.sessions().get(before);
            assertThat(s.credential()).isEqualTo(credential);
            assertThat(s.apiVersion()).isEqualTo(apiVersion);
            assertThat(s.model()).contains(LiveTestClient.MODEL);
            assertThat(s.toString()).doesNotContain("k1").doesNotContain("auth_tokens/abc");
        }
    }

    @Test
    void missingCredentialIsClosedWith1008AfterTheUpgrade() {
        try (LiveTestClient c = LiveTestClient.connect(HTTP, sim.wsUrl("v1beta"))) {
            LiveTestClient.Closed closed = c.awaitClose();
            assertThat(closed.code()).isEqualTo(1008);
            assertThat(closed.reason()).startsWith("Method doesn't allow unregistered callers");
            assertThat(closed.reason().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
        }
    }

    @Test
    void emptyKeyCountsAsMissing() {
        try (LiveTestClient c = LiveTestClient.connect(HTTP, URI.create(sim.wsUrl("v1beta") + "?key="))) {
            assertThat(c.awaitClose().code()).isEqualTo(1008);
        }
    }

    @Test
    void wrongKeyIsClosedWith1008AndTheServiceReason() {
        try (LiveTestClient c = LiveTestClient.connect(HTTP, URI.create(strict.wsUrl("v1beta") + "?key=wrong"))) {
            LiveTestClient.Closed closed = c.awaitClose();
            assertThat(closed.code()).isEqualTo(GeminiCloseReasons.POLICY_VIOLATION);
            assertThat(closed.reason()).isEqualTo(GeminiCloseReasons.REASON_WRONG_KEY);
        }
        assertThat(strict.sessions()).last().satisfies(s -> {
            assertThat(s.closeCode()).contains(1008);
            assertThat(s.toString()).doesNotContain("wrong");
        });
    }

    @Test
    void requiredKeyInTheHeaderIsAccepted() {
        try (LiveTestClient c = LiveTestClient.connect(HTTP, strict.wsUrl("v1beta"), Map.of("x-goog-api-key", "right-key"))) {
            c.send(setup("TEXT"));
            assertThat(c.next().has("setupComplete")).isTrue();
        }
    }

    @Test
    void onlyAcceptedTokensPassWhenTokensAreConfigured() {
        URI constrained = strict.wsUrl("v1alpha", "BidiGenerateContentConstrained");
        try (LiveTestClient c = LiveTestClient.connect(HTTP, constrained, Map.of("Authorization", "Token auth_tokens/bad"))) {
            assertThat(c.awaitClose().code()).isEqualTo(1008);
        }
        try (LiveTestClient c = LiveTestClient.connect(HTTP, URI.create(constrained + "?access_token=auth_tokens/good"))) {
            c.send(setup("TEXT"));
            assertThat(c.next().has("setupComplete")).isTrue();
        }
    }

    @Test
    void unknownPathIsAnHttp404BeforeAnyUpgrade() {
        URI uri = URI.create("ws://127.0.0.1:" + sim.port() + "/ws/google.ai.generativelanguage.v1beta.Nope?key=k");
        assertThatThrownBy(() -> LiveTestClient.connect(HTTP, uri))
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(404));
    }

    @Test
    void plainHttpGetOnTheLivePathIsRefused() throws Exception {
        var res = HTTP.send(java.net.http.HttpRequest.newBuilder(
                        URI.create(sim.baseUrl() + "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(400);
    }
}
