package ai.marft.mas;

import ai.marft.InputError;
import ai.marft.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfilesTest {
    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path f = dir.resolve("team.json");
        Files.writeString(f, json);
        return f;
    }

    @ParameterizedTest
    @CsvSource({
            "math_dual.json,    reasoner|actor,                                     actor",
            "math_trio.json,    reasoner|actor|verifier,                            actor",
            "math_quartet.json, problem_decomposer|planner|executor|verifier,       executor",
            "math_octet.json,   input_parser|subproblem_generator|method_selector|step_solver|numeric_evaluator|symbolic_manipulator|result_verifier|aggregator_explainer, aggregator_explainer",
    })
    void referenceFilesLoadUnchangedAsChains(String file, String roles, String graded) {
        Team team = Profiles.load(SharedData.require("profiles/" + file));
        List<String> expected = List.of(roles.split("\\|"));
        assertThat(team.roles()).isEqualTo(expected);
        for (int i = 0; i < team.size(); i++) {
            assertThat(team.agent(i).withAnswer()).as("with_answer of " + team.agent(i).role()).isEqualTo(team.agent(i).role().equals(graded));
            assertThat(team.agent(i).prompt()).startsWith("<|im_start|>system: ").contains("<|im_end|>");
            assertThat(team.graph().dependencies(i)).as("chain").isEqualTo(java.util.stream.IntStream.range(0, i).toArray());
        }
        assertThat(team.graph().layers()).hasSize(expected.size());
    }

    @Test
    void unknownKeysAreKeptAndWrittenBack() throws IOException {
        Team team = Profiles.load(SharedData.require("profiles/math_dual.json"));
        assertThat(team.agent(0).extra().get("device").asText()).isEqualTo("cuda:1");
        assertThat(team.agent(1).extra().get("device").asText()).isEqualTo("cuda:2");
        Team again = Profiles.load(write(Profiles.toJson(team).toPrettyString()));
        assertThat(again.agents()).isEqualTo(team.agents());
    }

    @Test
    void dependsOnIsReadAndRoundTrips() throws IOException {
        Team team = Profiles.load(write("""
                [{"role": "a", "prompt": "A", "with_answer": false, "lora": {"r": 4}},
                 {"role": "b", "prompt": "B", "with_answer": true, "depends_on": []}]"""));
        assertThat(team.agent(0).dependsOn()).isNull();
        assertThat(team.agent(1).dependsOn()).isEmpty();
        assertThat(team.agent(0).extra().get("lora").get("r").asInt()).isEqualTo(4);
        assertThat(team.graph().layers()).containsExactly(new int[]{0, 1});
        assertThat(Profiles.load(write(Profiles.toJson(team).toString())).agents()).isEqualTo(team.agents());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"role": "a"}                                                           | expected a JSON array of agent objects
            [["a"]]                                                                 | agent 0: expected a JSON object, got array
            [{"prompt": "p", "with_answer": true}]                                   | agent 0: field 'role' must be a string (missing)
            [{"role": 3, "prompt": "p", "with_answer": true}]                        | agent 0: field 'role' must be a string
            [{"role": "a/b", "prompt": "p", "with_answer": true}]                    | agent 0: field 'role' must be a non-blank name
            [{"role": "a", "prompt": "p", "with_answer": true}, {"role": "b", "with_answer": true}] | agent 1: field 'prompt' must be a string (missing)
            [{"role": "a", "prompt": "p", "with_answer": "yes"}]                     | agent 0: field 'with_answer' must be true or false
            [{"role": "a", "prompt": "p"}]                                           | agent 0: field 'with_answer' must be true or false
            [{"role": "a", "prompt": "p", "with_answer": true}, {"role": "a", "prompt": "q", "with_answer": false}] | agent 1: field 'role': "a" is already the role of agent 0
            [{"role": "a", "prompt": "p", "with_answer": true, "depends_on": "b"}]   | agent 0: field 'depends_on' must be a list of role names
            [{"role": "a", "prompt": "p", "with_answer": true, "depends_on": ["zz"]}] | agent 0: field 'depends_on': unknown role "zz"
            [{"role": "a", "prompt": "p", "with_answer": true, "depends_on": ["a"]}] | agent 0: field 'depends_on': an agent cannot depend on itself
            [{"role": "a", "prompt": "p", "with_answer": true, "depends_on": ["b"]}, {"role": "b", "prompt": "q", "with_answer": false}] | agent 0: field 'depends_on' forms a cycle: a -> b -> a
            []                                                                      | the array is empty
            [{"role": "a", "prompt": "p", "with_answer": true},]                     | not valid JSON
            """)
    void malformedFilesNameFileAgentAndField(String json, String message) throws IOException {
        Path f = write(json);
        assertThatThrownBy(() -> Profiles.load(f)).isInstanceOf(InputError.class)
                .hasMessageStartingWith("profiles " + f + ": ").hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void longerCycleIsNamedInFull() throws IOException {
        Path f = write("""
                [{"role": "a", "prompt": "", "with_answer": true, "depends_on": []},
                 {"role": "b", "prompt": "", "with_answer": false, "depends_on": ["d"]},
                 {"role": "c", "prompt": "", "with_answer": false, "depends_on": ["b", "a"]},
                 {"role": "d", "prompt": "", "with_answer": false, "depends_on": ["c"]}]""");
        assertThatThrownBy(() -> Profiles.load(f)).isInstanceOf(InputError.class)
                .hasMessageEndingWith("agent 1: field 'depends_on' forms a cycle: b -> d -> c -> b");
    }

    @Test
    void missingFileIsAnInputError() {
        assertThatThrownBy(() -> Profiles.load(dir.resolve("nope.json"))).isInstanceOf(InputError.class).hasMessageContaining("no such file");
    }
}
