package ai.marft.report;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A before/after accuracy table, as {@code before_after.json} in a run folder (the demo writes it):
 * <pre>{"title": "held-out (300 problems, 1 attempt)",
 *  "rows": [{"label": "before (base model)", "accuracy": 0.297, "ci95": [0.248, 0.351], "n": 300},
 *           {"label": "after MARFT-A (19 iterations, 1.0 min)", "accuracy": 0.303, "ci95": [0.254, 0.358], "n": 300}]}</pre>
 * The report shows the rows and the change from the first to the last in points.
 */
public record BeforeAfter(String title, List<Row> rows) {
    public static final String FILE = "before_after.json";

    /** One measured team: accuracy over n problems and its 95% interval (NaN when unknown). */
    public record Row(String label, double accuracy, double ciLow, double ciHigh, int n) {}

    public BeforeAfter {
        rows = List.copyOf(rows);
    }

    /** Change from the first row to the last, in percentage points. */
    public double changePoints() {
        return 100 * (rows.getLast().accuracy() - rows.getFirst().accuracy());
    }

    /** Writes {@code runDir/before_after.json}. */
    public void write(Path runDir) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("title", title);
        ArrayNode a = o.putArray("rows");
        for (Row r : rows) {
            ObjectNode row = a.addObject().put("label", r.label()).put("accuracy", r.accuracy());
            row.putArray("ci95").add(r.ciLow()).add(r.ciHigh());
            row.put("n", r.n());
        }
        try {
            Files.createDirectories(runDir);
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(runDir.resolve(FILE).toFile(), o);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + runDir.resolve(FILE), e);
        }
    }

    /** The table of {@code runDir}, empty when the run has no before_after.json. */
    public static Optional<BeforeAfter> read(Path runDir) {
        Path f = runDir.resolve(FILE);
        if (!Files.isRegularFile(f)) return Optional.empty();
        JsonNode o;
        try {
            o = Json.MAPPER.readTree(f.toFile());
        } catch (IOException e) {
            throw new InputError(f + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode r : o.path("rows")) {
            JsonNode ci = r.path("ci95");
            if (!r.path("accuracy").isNumber()) throw new InputError(f + ": row " + rows.size() + " has no numeric 'accuracy'");
            rows.add(new Row(r.path("label").asText("row " + rows.size()), r.path("accuracy").asDouble(),
                    ci.path(0).isNumber() ? ci.path(0).asDouble() : Double.NaN, ci.path(1).isNumber() ? ci.path(1).asDouble() : Double.NaN,
                    r.path("n").asInt(0)));
        }
        if (rows.isEmpty()) throw new InputError(f + ": 'rows' must list at least one measured team");
        return Optional.of(new BeforeAfter(o.path("title").asText("accuracy"), rows));
    }
}
