package ai.marft.serve;

import ai.marft.Json;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.mas.AgentStep;
import ai.marft.env.PromptFormat;
import ai.marft.mas.Profiles;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code marft serve --team CHECKPOINT} (a child JVM): model "team" answers with the team's last action and the transcript. */
class TeamServeTest {
    static final Path PROFILES = Path.of("configs/arith_dual.json");

    /** A checkpoint folder as training writes it: one PEFT folder per role, config.json, the COMPLETE marker. */
    static Path checkpoint(Path dir, LmEngine engine, Path model, Team team) throws Exception {
        Path ckpt = dir.resolve("run/steps_0003");
        long seed = 80;
        for (String role : team.roles()) ServeFixtures.adapter(engine, role, seed += 10, ckpt.resolve(role));
        Json.MAPPER.writeValue(ckpt.resolve("config.json").toFile(), Json.MAPPER.createObjectNode()
                .put("model_name_or_path", model.toString()).put("profile_path", PROFILES.toString())
                .put("max_new_tokens", 12).put("temperature", 0.8).put("top_k", 0).put("top_p", 1.0).put("lr", 1e-6));
        Files.writeString(ckpt.resolve("COMPLETE"), "");
        return ckpt;
    }

    static JsonNode post(URI server, String path, String body) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return Json.MAPPER.readTree(r.body());
        }
    }

    @Test
    void theTeamAnswersAsOneModelWithEveryAgentsTurn(@TempDir Path dir) throws Exception {
        Path model = ServeFixtures.model(dir.resolve("model"), 71, false);
        Team team = Profiles.load(PROFILES);
        String question = "3 * 4 + 5";
        AgentStep[] expected;
        Path ckpt;
        try (LmEngine local = LmEngine.load(model)) {
            ckpt = checkpoint(dir, local, model, team);
            // the reference: one joint step of the team, run directly on the local engine with the checkpoint's sampling
            TeamPolicy policy = new TeamPolicy(team, local, TeamPolicy.roleAdapters(team), new SamplingParams(12, 0.8, 0, 1.0));
            expected = policy.act(List.of(Collections.nCopies(team.size(), PromptFormat.initialState(question))), 5)[0];
        }
        try (ServeProcess server = new ServeProcess(dir.resolve("serve.log"), "--team", ckpt.toString()).awaitReady()) {
            JsonNode completion = post(server.uri(), "/v1/completions", "{\"model\":\"team\",\"prompt\":\"" + question + "\",\"seed\":5}");
            JsonNode choice = completion.at("/choices/0");
            JsonNode transcript = choice.get("marft_transcript");
            assertThat(transcript).hasSize(team.size());
            for (int i = 0; i < team.size(); i++) {
                assertThat(transcript.get(i).get("role").asText()).isEqualTo(team.agent(i).role());
                assertThat(transcript.get(i).get("action").asText()).isEqualTo(expected[i].actionText());
                assertThat(Json.MAPPER.convertValue(transcript.get(i).get("token_ids"), int[].class)).isEqualTo(expected[i].actionTokens());
            }
            assertThat(choice.get("text").asText()).isEqualTo(expected[team.size() - 1].actionText());

            JsonNode chat = post(server.uri(), "/v1/chat/completions",
                    "{\"model\":\"team\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}],\"seed\":5}");
            assertThat(chat.at("/choices/0/message/content").asText()).isEqualTo(expected[team.size() - 1].actionText());
            assertThat(chat.at("/choices/0/marft_transcript")).isEqualTo(transcript);

            JsonNode models = Json.MAPPER.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve("/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(models.findValuesAsText("id")).contains("model", "team", "team/planner", "team/solver");
        }
    }
}
