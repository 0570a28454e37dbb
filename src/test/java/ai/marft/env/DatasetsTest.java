package ai.marft.env;

import ai.marft.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetsTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void jsonArrayWithFinalAnswer() throws IOException {
        Path f = write("a.json", "[{\"problem\": \"1+1?\", \"final_answer\": \"2\"}, {\"problem\": \"2+2?\", \"final_answer\": 4}]");
        assertThat(Datasets.load(f)).containsExactly(new Problem("1+1?", "2"), new Problem("2+2?", "4"));
    }

    @Test
    void jsonlWithEachAnswerSource() throws IOException {
        Path f = write("b.jsonl", String.join("\n",
                "{\"problem\": \"p0\", \"answer\": \"\\\\frac{1}{2}\", \"solution\": \"so \\\\boxed{0.5}\"}",
                "",
                "{\"problem\": \"p1\", \"answer\": \"She has 9.\\n#### 18\"}",
                "{\"problem\": \"p2\", \"solution\": \"first \\\\boxed{1}, finally $\\\\boxed{\\\\frac{a}{b}}$.\"}",
                "{\"problem\": \"p3\", \"final_answer\": \"7\", \"answer\": \"8\"}") + "\n");
        List<Problem> ps = Datasets.load(f);
        assertThat(ps).extracting(Problem::finalAnswer).containsExactly("\\frac{1}{2}", "18", "\\frac{a}{b}", "7");
    }

    @Test
    void malformedRecordsNameFileRecordAndField() throws IOException {
        Path noProblem = write("c.jsonl", "{\"problem\": \"ok\", \"answer\": \"1\"}\n{\"question\": \"x\", \"answer\": \"1\"}\n");
        assertThatThrownBy(() -> Datasets.load(noProblem)).isInstanceOf(InputError.class)
                .hasMessage("dataset " + noProblem + ": record 1: missing text field 'problem'");
        Path noAnswer = write("d.json", "[{\"problem\": \"x\", \"solution\": \"no box here\"}]");
        assertThatThrownBy(() -> Datasets.load(noAnswer))
                .hasMessage("dataset " + noAnswer + ": record 0: field 'solution' has no \\boxed{...} answer");
        Path listAnswer = write("e.json", "[{\"problem\": \"x\", \"final_answer\": [1, 2]}]");
        assertThatThrownBy(() -> Datasets.load(listAnswer))
                .hasMessage("dataset " + listAnswer + ": record 0: field 'final_answer' must be a string or a number");
        Path none = write("f.json", "[{\"problem\": \"x\"}]");
        assertThatThrownBy(() -> Datasets.load(none)).hasMessageContaining("record 0: no gold answer");
        Path badLine = write("g.jsonl", "{\"problem\": \"x\", \"answer\": \"1\"}\n{\"problem\": \"y\", \"answer\": \n");
        assertThatThrownBy(() -> Datasets.load(badLine)).isInstanceOf(InputError.class)
                .hasMessageStartingWith("dataset " + badLine + ": line 2 (record 1): not valid JSON");
        Path emptyHashes = write("h.jsonl", "{\"problem\": \"y\", \"answer\": \"work #### \"}\n");
        assertThatThrownBy(() -> Datasets.load(emptyHashes)).hasMessage("dataset " + emptyHashes + ": record 0: field 'answer' is empty");
        assertThatThrownBy(() -> Datasets.load(dir.resolve("missing.json"))).hasMessageEndingWith("no such file");
    }

    @Test
    void messagesAreOneLine() throws IOException {
        Path bad = write("i.json", "[{\"problem\": 1,\n \"answer\": \"2\"}, oops]");
        assertThatThrownBy(() -> Datasets.load(bad)).isInstanceOf(InputError.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").contains(bad.toString()));
    }
}
