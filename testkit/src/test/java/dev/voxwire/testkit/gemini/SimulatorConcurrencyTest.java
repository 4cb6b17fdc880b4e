package dev.voxwire.testkit.gemini;

import static dev.voxwire.testkit.gemini.LiveTestClient.clientText;
import static dev.voxwire.testkit.gemini.LiveTestClient.setup;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimulatorConcurrencyTest {
    @Test
    void hundredConcurrentSessionsAllGetTheirOwnEcho() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try (GeminiLiveSimulator sim = GeminiLiveSimulator.builder().build().start()) {
            List<LiveTestClient> clients = new ArrayList<>();
            try {
                List<CompletableFuture<LiveTestClient>> connecting = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    connecting.add(CompletableFuture.supplyAsync(() -> LiveTestClient.ready(http, sim, setup("TEXT")), pool));
                }
                for (CompletableFuture<LiveTestClient> f : connecting) {
                    clients.add(f.get(30, TimeUnit.SECONDS));
                }
                assertThat(sim.activeConnections()).isEqualTo(100);
                for (int i = 0; i < clients.size(); i++) {
                    clients.get(i).send(clientText("client number " + i));
                }
                for (int i = 0; i < clients.size(); i++) {
                    StringBuilder text = new StringBuilder();
                    for (JsonNode m : clients.get(i).untilTurnComplete()) {
                        text.append(m.path("serverContent").path("modelTurn").path("parts").path(0).path("text").asText());
                    }
                    assertThat(text.toString()).isEqualTo("client number " + i);
                }
                assertThat(sim.sessions()).hasSize(100).allSatisfy(s -> assertThat(s.turnCount()).isEqualTo(1));
            } finally {
                clients.forEach(LiveTestClient::close);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
