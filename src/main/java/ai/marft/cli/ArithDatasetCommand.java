package ai.marft.cli;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.env.Problem;
import ai.marft.env.arith.ArithGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code marft arith-dataset}: writes seeded arith problems as a MARFT dataset (JSON array of problem, final_answer). */
@Command(name = "arith-dataset", mixinStandardHelpOptions = true,
        description = "Write N arith problems (README: The arith task) as a JSON array of {problem, final_answer}.")
public final class ArithDatasetCommand implements Runnable {
    @Option(names = "--out", required = true, description = "output file (JSON array)")
    Path out;

    @Option(names = "--n", required = true, description = "number of problems")
    int n;

    @Option(names = "--seed", defaultValue = "0", description = "generator seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public void run() {
        if (n < 1) throw new InputError("--n must be >= 1, got " + n);
        List<Problem> problems = new ArithGenerator(seed).generate(n);
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (Problem p : problems) array.addObject().put("problem", p.problem()).put("final_answer", p.finalAnswer());
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), array);
        } catch (IOException e) {
            throw new InputError("--out " + out + ": cannot write (" + e.getMessage() + ")");
        }
        System.err.println("wrote " + n + " arith problems (seed " + seed + ") to " + out);
    }
}
