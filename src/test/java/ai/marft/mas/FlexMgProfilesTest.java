package ai.marft.mas;

import ai.marft.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Flex-MG profile keys: model (per-agent base), router and default_route; their one-line errors; the routing grammar. */
class FlexMgProfilesTest {
    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path f = dir.resolve("sub/team.json");
        Files.createDirectories(f.getParent());
        Files.writeString(f, json);
        return f;
    }

    private void model(String folder) throws IOException {
        Files.createDirectories(dir.resolve(folder));
        Files.writeString(dir.resolve(folder).resolve("config.json"), "{}");
    }

    private static final String ROUTED = """
            [{"role": "router", "prompt": "R", "with_answer": false, "router": true, "default_route": %s},
             {"role": "planner", "prompt": "P", "with_answer": false, "depends_on": ["router"]},
             {"role": "solver", "prompt": "S", "with_answer": true, "depends_on": ["router", "planner"]}]""";

    @Test
    void modelIsResolvedFromTheProfilesFolderAndWrittenBack() throws IOException {
        model("small");
        Path f = write("""
                [{"role": "planner", "prompt": "P", "with_answer": false, "model": "../small"},
                 {"role": "solver", "prompt": "S", "with_answer": true}]""");
        Team t = Profiles.load(f);
        assertThat(t.agent(0).model()).isEqualTo(dir.resolve("small").toAbsolutePath().normalize().toString());
        assertThat(t.agent(1).model()).isNull();
        assertThat(Profiles.toJson(t).get(0).get("model").asText()).isEqualTo(t.agent(0).model());
        assertThat(Profiles.toJson(t).get(1).has("model")).isFalse();
    }

    @Test
    void unknownModelFolderNamesFileAgentAndField() throws IOException {
        Path f = write("""
                [{"role": "planner", "prompt": "P", "with_answer": false},
                 {"role": "solver", "prompt": "S", "with_answer": true, "model": "nowhere"}]""");
        assertThatThrownBy(() -> Profiles.load(f)).isInstanceOf(InputError.class)
                .hasMessageStartingWith("profiles " + f + ": agent 1: field 'model': no model folder at " + dir.resolve("sub/nowhere"));
    }

    @Test
    void aRouterWithAValidDefaultRouteLoadsAndRoundTrips() throws IOException {
        Team t = Profiles.load(write(ROUTED.formatted("[\"planner\", \"solver\"]")));
        assertThat(t.agent(0).router()).isTrue();
        assertThat(t.agent(0).defaultRoute()).containsExactly("planner", "solver");
        assertThat(Profiles.toJson(t).get(0).get("default_route").toString()).isEqualTo("[\"planner\",\"solver\"]");
        assertThat(Profiles.toJson(t).get(1).has("router")).isFalse();
    }

    @Test
    void badRoutesAreOneLineNamingFileAgentAndField() throws IOException {
        record Case(String route, String message) {}
        for (Case c : List.of(
                new Case("[\"planner\", \"critic\"]", "agent 0: field 'default_route': unknown role \"critic\""),
                new Case("[\"router\"]", "agent 0: field 'default_route': the route would form a cycle: router -> router"),
                new Case("[\"solver\", \"planner\"]", "agent 0: field 'default_route': the route would form a cycle: solver depends on planner, which the route puts after it"),
                new Case("[\"solver\", \"solver\"]", "agent 0: field 'default_route': \"solver\" is listed twice"),
                new Case("[]", "agent 0: field 'default_route': the route is empty"))) {
            Path f = write(ROUTED.formatted(c.route()));
            assertThatThrownBy(() -> Profiles.load(f)).as(c.route()).isInstanceOf(InputError.class)
                    .hasMessage("profiles " + f + ": " + c.message());
        }
        Path dependsOnRouted = write("""
                [{"role": "planner", "prompt": "P", "with_answer": false},
                 {"role": "router", "prompt": "R", "with_answer": false, "router": true, "default_route": ["planner"]}]""");
        assertThatThrownBy(() -> Profiles.load(dependsOnRouted)).isInstanceOf(InputError.class)
                .hasMessage("profiles " + dependsOnRouted + ": agent 1: field 'default_route': the route would form a cycle: planner -> router -> planner");
        Path noRoute = write("[{\"role\": \"r\", \"prompt\": \"R\", \"with_answer\": true, \"router\": true}]");
        assertThatThrownBy(() -> Profiles.load(noRoute)).isInstanceOf(InputError.class)
                .hasMessageStartingWith("profiles " + noRoute + ": agent 0: field 'default_route' is required on a router");
        Path notRouter = write("[{\"role\": \"r\", \"prompt\": \"R\", \"with_answer\": true, \"default_route\": [\"r\"]}]");
        assertThatThrownBy(() -> Profiles.load(notRouter)).isInstanceOf(InputError.class)
                .hasMessageStartingWith("profiles " + notRouter + ": agent 0: field 'default_route' is only allowed");
        Path stringRouter = write("[{\"role\": \"r\", \"prompt\": \"R\", \"with_answer\": true, \"router\": \"yes\"}]");
        assertThatThrownBy(() -> Profiles.load(stringRouter)).isInstanceOf(InputError.class)
                .hasMessage("profiles " + stringRouter + ": agent 0: field 'router' must be true or false");
    }

    @Test
    void routingGrammar() throws IOException {
        Team t = Profiles.load(write(ROUTED.formatted("[\"planner\", \"solver\"]")));
        assertThat(Routes.parse("call: solver", t, 0)).contains(List.of("solver"));
        assertThat(Routes.parse("  call:planner ,solver\n", t, 0)).contains(List.of("planner", "solver"));
        for (String bad : List.of("solver", "call:", "call: solver, planner", "call: solver,", "call: judge", "call: router", "CALL: solver"))
            assertThat(Routes.parse(bad, t, 0)).as(bad).isEqualTo(Optional.empty());
    }
}
