package ai.marft.env.math;

import ai.marft.Json;
import ai.marft.cli.Main;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code marft grade --pairs}: one JSON line per pair; a malformed line is one error line naming file and line. */
class GradeCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void gradesEachLine() throws IOException {
        Path pairs = dir.resolve("pairs.jsonl");
        Files.writeString(pairs, String.join("\n",
                "{\"pred\": \"\\\\dfrac{1}{2}\", \"gold\": \"0.5\"}",
                "{\"pred\": \"[0,1)\", \"gold\": \"[0,1]\"}",
                "",
                "{\"pred\": \"so the total is $\\\\boxed{10,\\\\!080}$.\", \"gold\": \"10080\", \"extract\": true}",
                "{\"pred\": \"nothing here\", \"gold\": \"3\", \"extract\": true}") + "\n");
        Run r = run("grade", "--pairs", pairs.toString());
        assertThat(r.code()).isZero();
        List<JsonNode> lines = r.out().lines().map(l -> {
            try { return Json.MAPPER.readTree(l); } catch (IOException e) { throw new AssertionError(l, e); }
        }).toList();
        assertThat(lines).hasSize(4);
        assertThat(lines).extracting(l -> l.get("equal").asBoolean()).containsExactly(true, false, true, false);
        assertThat(lines.get(0).has("extracted")).isFalse();
        assertThat(lines.get(2).get("extracted").asText()).isEqualTo("10,\\!080");
        assertThat(lines.get(3).get("extracted").isNull()).isTrue();
        assertThat(lines.get(1).get("pred").asText()).isEqualTo("[0,1)");
    }

    @Test
    void malformedLineIsOneErrorLine() throws IOException {
        Path pairs = dir.resolve("bad.jsonl");
        Files.writeString(pairs, "{\"pred\": \"1\", \"gold\": \"1\"}\n{\"pred\": \"2\"}\n");
        Run r = run("grade", "--pairs", pairs.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).isEqualTo("marft grade: " + pairs + ": line 2: missing field 'gold'");

        Files.writeString(pairs, "{\"pred\": \"1\", \"gold\": \"1\"}\n\n{\"pred\": \"1\", \"gold\" \"1\"}\n");
        r = run("grade", "--pairs", pairs.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("marft grade: " + pairs + ": line 3: not valid JSON").doesNotContain("\n");

        Files.writeString(pairs, "{\"pred\": \"1\", \"gold\": \"1\", \"extract\": \"yes\"}\n");
        r = run("grade", "--pairs", pairs.toString());
        assertThat(r.err().strip()).isEqualTo("marft grade: " + pairs + ": line 1: field 'extract' must be true or false");
    }

    @Test
    void missingFileIsOneErrorLine() {
        Run r = run("grade", "--pairs", dir.resolve("none.jsonl").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("marft grade: ").contains("none.jsonl").doesNotContain("\n");
    }
}
