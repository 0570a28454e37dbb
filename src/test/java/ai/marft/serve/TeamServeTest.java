package ai.marft.serve;

import ai.marft.Json;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.mas.AgentGenerators;
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
import java.io.IOException;
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
        complete(ckpt, model.toString(), PROFILES);
        return ckpt;
    }

    /** Writes the run's config.json (the model, the profiles, sampling of 12 tokens at T 0.8) and the COMPLETE marker beside adapters already saved. */
    static void complete(Path ckpt, String model, Path profiles) throws IOException {
        Json.MAPPER.writeValue(ckpt.resolve("config.json").toFile(), Json.MAPPER.createObjectNode()
                .put("model_name_or_path", model).put("profile_path", profiles.toString())
                .put("max_new_tokens", 12).put("temperature", 0.8).put("top_k", 0).put("top_p", 1.0).put("lr", 1e-6));
        Files.writeString(ckpt.resolve("COMPLETE"), "");
    }

    /** The served transcript lists exactly these roles' turns, in order, each with the expected text and token ids. */
    static void assertTranscript(JsonNode transcript, List<String> roles, List<AgentStep> turns) {
        assertThat(transcript.findValuesAsText("role")).isEqualTo(roles);
        for (int j = 0; j < turns.size(); j++) {
            assertThat(transcript.get(j).get("action").asText()).isEqualTo(turns.get(j).actionText());
            assertThat(Json.MAPPER.convertValue(transcript.get(j).get("token_ids"), int[].class)).isEqualTo(turns.get(j).actionTokens());
        }
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
            assertTranscript(transcript, team.roles(), List.of(expected));
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

    /**
     * A Flex-MG team on two bases (configs/arith_hetero.json: the planner on models/tiny-arith-b, whose
     * tokenizer differs, the solver on the run's models/tiny-arith), served in-process on tiny-arith:
     * the seeded answer equals the team built by hand over two separately loaded engines holding the
     * same adapters (as created, not read back), also under concurrent requests; tiny-arith-b is loaded
     * beside the served engine, and only the served base's agent is listed as a model.
     */
    @Test
    void aTeamOnTwoBasesAnswersAsTheTeamBuiltByHandOnBothBases(@TempDir Path dir) throws Exception {
        Path a = Path.of("models/tiny-arith").toAbsolutePath(), b = Path.of("models/tiny-arith-b").toAbsolutePath();
        Path profiles = Path.of("configs/arith_hetero.json");
        Team team = Profiles.load(profiles);
        assertThat(team.roles()).containsExactly("planner", "solver");
        String question = "3 * 4 + 5";
        SamplingParams params = new SamplingParams(12, 0.8, 0, 1.0);
        Path ckpt = dir.resolve("run/steps_0003");
        AgentStep[] expected;
        try (LmEngine onA = LmEngine.load(a); LmEngine onB = LmEngine.load(b)) {
            ServeFixtures.adapter(onB, "planner", 91, ckpt.resolve("planner"), b.toString());
            ServeFixtures.adapter(onA, "solver", 101, ckpt.resolve("solver"), a.toString());
            TeamPolicy byHand = new TeamPolicy(team, new AgentGenerators(List.of(onB, onA), onB), TeamPolicy.roleAdapters(team), params, Integer.MAX_VALUE);
            expected = byHand.act(List.of(Collections.nCopies(team.size(), PromptFormat.initialState(question))), 5)[0];
        }
        complete(ckpt, "models/tiny-arith", profiles);

        TeamCheckpoint checkpoint = TeamCheckpoint.read(ckpt);
        TeamModel model = TeamModel.of(Profiles.load(checkpoint.profiles()), checkpoint, checkpoint.model(), false);
        assertThat(model.base(0)).isEqualTo(b.normalize());
        assertThat(model.base(1)).isEqualTo(a.normalize());
        try (LmEngine served = LmEngine.load(checkpoint.model());
             OpenAiServer server = OpenAiServer.start(served, checkpoint.model(), new OpenAiServer.Options("127.0.0.1", 0, 16, 20_000, "tiny-arith"),
                     java.util.Map.of(), model)) {
            String body = "{\"model\":\"team\",\"prompt\":\"" + question + "\",\"seed\":5}";
            List<java.util.concurrent.CompletableFuture<JsonNode>> answers = new java.util.ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int k = 0; k < 3; k++)
                    answers.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return post(server.uri(), "/v1/completions", body);
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    }, pool));
            }
            for (var f : answers) {
                JsonNode choice = f.get().at("/choices/0");
                JsonNode transcript = choice.get("marft_transcript");
                assertTranscript(transcript, team.roles(), List.of(expected));
                assertThat(choice.get("text").asText()).isEqualTo(expected[1].actionText());
            }
            assertThat(expected[0].actionTokens()).isNotEmpty();
            JsonNode models = Json.MAPPER.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve("/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(models.findValuesAsText("id")).containsExactly("tiny-arith", "team/solver", "team");
        }
    }
    /**
     * A routed team on two bases (configs/arith_router.json: the router on models/tiny-router, planner and
     * solver on the served models/tiny-arith): eight seeded answers equal the team built by hand, the
     * answers where the router called the solver alone carry no planner turn, and usage counts the turns
     * of the agents that acted only (this request crashed the server before: a left-out agent's turn is null).
     */
    @Test
    void aRoutedTeamAnswersWithTheTurnsOfTheAgentsTheRouterCalled(@TempDir Path dir) throws Exception {
        Path a = Path.of("models/tiny-arith").toAbsolutePath(), r = Path.of("models/tiny-router").toAbsolutePath();
        Path profiles = Path.of("configs/arith_router.json");
        Team team = Profiles.load(profiles);
        assertThat(team.roles()).containsExactly("router", "planner", "solver");
        String question = "3 * 4 + 5";
        int n = 8;
        SamplingParams params = new SamplingParams(12, 0.8, 0, 1.0);
        Path ckpt = dir.resolve("run/steps_0003");
        AgentStep[][] expected;
        try (LmEngine onA = LmEngine.load(a); LmEngine onR = LmEngine.load(r)) {
            ServeFixtures.adapter(onR, "router", 111, ckpt.resolve("router"), r.toString());
            ServeFixtures.adapter(onA, "planner", 121, ckpt.resolve("planner"), a.toString());
            ServeFixtures.adapter(onA, "solver", 131, ckpt.resolve("solver"), a.toString());
            TeamPolicy byHand = new TeamPolicy(team, new AgentGenerators(List.of(onR, onA, onA), onR), TeamPolicy.roleAdapters(team), params, Integer.MAX_VALUE);
            expected = byHand.act(Collections.nCopies(n, Collections.nCopies(team.size(), PromptFormat.initialState(question))), 7);
        }
        complete(ckpt, "models/tiny-arith", profiles);

        TeamCheckpoint checkpoint = TeamCheckpoint.read(ckpt);
        TeamModel model = TeamModel.of(Profiles.load(checkpoint.profiles()), checkpoint, checkpoint.model(), false);
        int soloRoutes = 0, completionTokens = 0;
        try (LmEngine served = LmEngine.load(checkpoint.model());
             OpenAiServer server = OpenAiServer.start(served, checkpoint.model(), new OpenAiServer.Options("127.0.0.1", 0, 16, 20_000, "tiny-arith"),
                     java.util.Map.of(), model)) {
            JsonNode response = post(server.uri(), "/v1/completions", "{\"model\":\"team\",\"prompt\":\"" + question + "\",\"seed\":7,\"n\":" + n + "}");
            assertThat(response.get("choices")).hasSize(n);
            for (int k = 0; k < n; k++) {
                JsonNode transcript = response.at("/choices/" + k + "/marft_transcript");
                List<String> roles = new java.util.ArrayList<>();
                List<AgentStep> acted = new java.util.ArrayList<>();
                for (int i = 0; i < team.size(); i++)
                    if (expected[k][i] != null) {
                        roles.add(team.agent(i).role());
                        acted.add(expected[k][i]);
                        completionTokens += expected[k][i].actionTokens().length;
                    }
                assertTranscript(transcript, roles, acted);
                if (expected[k][1] == null) soloRoutes++;
            }
            assertThat(response.at("/usage/completion_tokens").asInt()).isEqualTo(completionTokens);
        }
        assertThat(soloRoutes).as("answers routed to the solver alone (seed 7)").isBetween(1, n - 1);
    }
}
