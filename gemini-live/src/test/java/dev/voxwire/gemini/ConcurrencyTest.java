package dev.voxwire.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {
    private static final int SESSIONS = 100;

    @Test
    void hundredConcurrentSessionsAgainstOneSimulatorEachGetTheirOwnAnswer() throws Exception {
        try (GeminiLiveSimulator sim = GeminiLiveSimulator.builder().build().start();
             GeminiLiveClient client = GeminiLiveClient.builder().apiKey(GeminiLiveClientTest.KEY)
                     .baseUri(sim.baseUrl()).build()) {
            LiveConfig config = LiveConfig.builder().responseModalities(Modality.TEXT).build();
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                String question = "question number " + i;
                StringBuilder text = new StringBuilder();
                CompletableFuture<String> answer = new CompletableFuture<>();
                answers.add(answer);
                client.connect(config, e -> {
                    if (e instanceof LiveEvent.Text t) {
                        text.append(t.text());
                    } else if (e instanceof LiveEvent.TurnComplete) {
                        answer.complete(text.toString());
                    }
                }).thenCompose(s -> s.sendText(question)).whenComplete((v, err) -> {
                    if (err != null) {
                        answer.completeExceptionally(err);
                    }
                });
            }
            CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            for (int i = 0; i < SESSIONS; i++) {
                assertThat(answers.get(i).join()).isEqualTo("question number " + i);
            }
            assertThat(sim.sessions()).hasSize(SESSIONS);
            assertThat(client.openSessions()).isEqualTo(SESSIONS);
        }
    }
}
