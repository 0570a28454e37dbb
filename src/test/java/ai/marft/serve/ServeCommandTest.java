package ai.marft.serve;

import ai.marft.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code marft serve}'s bad input: exit status 2 and one line saying what is wrong, no stack trace. */
class ServeCommandTest {
    static String run(int expectedStatus, String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(args)).isEqualTo(expectedStatus);
        } finally {
            System.setErr(err);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        // the library's own log lines may come first (the console clean-up is another change); ours is one line, no trace
        assertThat(out).as(out).doesNotContain("\tat ").doesNotContain("Exception");
        var ours = out.lines().filter(l -> l.startsWith("marft ")).toList();
        assertThat(ours).as(out).hasSize(1);
        return ours.getFirst();
    }

    @Test
    void badArgumentsAreOneLine(@TempDir Path dir) throws Exception {
        assertThat(run(2, "serve", "--model", "models/tiny-arith", "--adapter", "planner")).isEqualTo("marft serve: --adapter 'planner': expected NAME=PEFT_DIR");
        assertThat(run(2, "serve", "--team", dir.resolve("none").toString())).contains("--team").contains("no such checkpoint folder");
        assertThat(run(2, "serve", "--team", dir.toString())).contains("not a complete checkpoint");
        assertThat(run(2, "serve")).contains("--model is required");
        assertThat(run(2, "serve", "--model", "models/tiny-arith", "--threads", "1", "--adapter", "a=" + dir.resolve("missing")))
                .isEqualTo("marft serve: --adapter: no adapter folder " + dir.resolve("missing") + " on the server");
        try (ServerSocket taken = new ServerSocket(0)) {
            assertThat(run(2, "serve", "--model", "models/tiny-arith", "--threads", "1", "--port", Integer.toString(taken.getLocalPort())))
                    .startsWith("marft serve: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
