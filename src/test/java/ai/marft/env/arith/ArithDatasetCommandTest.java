package ai.marft.env.arith;

import ai.marft.pretrain.ArithAgent;

import ai.marft.SharedData;
import ai.marft.InputError;
import ai.marft.cli.Main;
import ai.marft.env.Datasets;
import ai.marft.env.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code marft arith-dataset} and the profiles files of the arith task. */
class ArithDatasetCommandTest {
    @Test
    void writesAMarftDatasetOfTheSeededProblems(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("sub/arith.json");
        assertThat(Main.run("arith-dataset", "--out", out.toString(), "--n", "25", "--seed", "7")).isZero();
        List<Problem> loaded = Datasets.load(out);
        assertThat(loaded).isEqualTo(new ArithGenerator(7).generate(25));
        for (Problem p : loaded) assertThat(p.finalAnswer()).isEqualTo(Long.toString(Arith.eval(Arith.expressionOf(p.problem()))));
        assertThat(Files.readString(out)).startsWith("[").contains("\"problem\" : \"What is ").contains("\"final_answer\" : \"");
    }

    @Test
    void nonPositiveCountIsAUserError(@TempDir Path tmp) {
        assertThat(Main.run("arith-dataset", "--out", tmp.resolve("x.json").toString(), "--n", "0")).isEqualTo(2);
        assertThat(tmp.resolve("x.json")).doesNotExist();
    }

    @Test
    void profilesFilesLoad() {
        List<ArithAgent> dual = ArithAgent.readProfiles(Path.of("configs/arith_dual.json"));
        assertThat(dual).extracting(ArithAgent::role).containsExactly("planner", "solver");
        assertThat(dual).extracting(ArithAgent::withAnswer).containsExactly(false, true);
        List<ArithAgent> solo = ArithAgent.readProfiles(Path.of("configs/arith_solo.json"));
        assertThat(solo).extracting(ArithAgent::role).containsExactly("solver");
        for (ArithAgent a : List.of(dual.get(0), dual.get(1), solo.get(0)))
            assertThat(a.prompt()).startsWith("<|im_start|>system: ").endsWith("<|im_end|>\n");
    }

    @Test
    void referenceProfilesLoadToo() {
        List<ArithAgent> ref = ArithAgent.readProfiles(SharedData.require("profiles/math_dual.json"));
        assertThat(ref).extracting(ArithAgent::role).containsExactly("reasoner", "actor");
    }

    @Test
    void malformedProfileNamesFileAgentAndField(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "[{\"role\": \"planner\", \"prompt\": \"p\", \"with_answer\": false}, {\"role\": \"solver\", \"prompt\": \"p\"}]");
        assertThatThrownBy(() -> ArithAgent.readProfiles(bad)).isInstanceOf(InputError.class)
                .hasMessageContaining(bad.toString()).hasMessageContaining("agent 1").hasMessageContaining("with_answer");
    }
}
