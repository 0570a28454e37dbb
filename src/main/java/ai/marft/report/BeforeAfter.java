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

/**
 * A before/after accuracy table; {@code before_after.json} in a run folder holds one or a list of them
 * (the demo writes two: unseen problems and the task's mix):
 * <pre>[{"title": "unseen: 300 problems, none trained on",
 *   "rows": [{"label": "before (base model)", "accuracy": 0.297, "ci95": [0.248, 0.351], "n": 300},
 *            {"label": "after MARFT-A (19 iterations, 1.0 min)", "accuracy": 0.303, "ci95": [0.254, 0.358], "n": 300}]}, ...]</pre>
 * The report shows each table's rows and the change from the first to the last in points.
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

    /** Writes {@code runDir/before_after.json} with this one table. */
    public void write(Path runDir) {
        writeAll(runDir, List.of(this));
    }

    /** Writes {@code runDir/before_after.json} with the tables in order. */
    public static void writeAll(Path runDir, List<BeforeAfter> tables) {
        ArrayNode all = Json.MAPPER.createArrayNode();
        for (BeforeAfter t : tables) {
            ObjectNode o = all.addObject().put("title", t.title());
            ArrayNode a = o.putArray("rows");
            for (Row r : t.rows()) {
                ObjectNode row = a.addObject().put("label", r.label()).put("accuracy", r.accuracy());
                row.putArray("ci95").add(r.ciLow()).add(r.ciHigh());
                row.put("n", r.n());
            }
        }
        try {
            Files.createDirectories(runDir);
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(runDir.resolve(FILE).toFile(), all);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + runDir.resolve(FILE), e);
        }
    }

    /** The tables of {@code runDir} (one object or a list of them), empty when the run has no before_after.json. */
    public static List<BeforeAfter> read(Path runDir) {
        Path f = runDir.resolve(FILE);
        if (!Files.isRegularFile(f)) return List.of();
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(f.toFile());
        } catch (IOException e) {
            throw new InputError(f + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        List<BeforeAfter> out = new ArrayList<>();
        if (tree != null && tree.isArray()) for (JsonNode o : tree) out.add(table(f, o));
        else out.add(table(f, tree));
        return out;
    }

    private static BeforeAfter table(Path f, JsonNode o) {
        if (o == null || !o.isObject()) throw new InputError(f + ": expected a table object (title, rows) or a list of them");
        List<Row> rows = new ArrayList<>();
        for (JsonNode r : o.path("rows")) {
            JsonNode ci = r.path("ci95");
            if (!r.path("accuracy").isNumber()) throw new InputError(f + ": row " + rows.size() + " has no numeric 'accuracy'");
            rows.add(new Row(r.path("label").asText("row " + rows.size()), r.path("accuracy").asDouble(),
                    ci.path(0).isNumber() ? ci.path(0).asDouble() : Double.NaN, ci.path(1).isNumber() ? ci.path(1).asDouble() : Double.NaN,
                    r.path("n").asInt(0)));
        }
        if (rows.isEmpty()) throw new InputError(f + ": 'rows' must list at least one measured team");
        return new BeforeAfter(o.path("title").asText("accuracy"), rows);
    }
}
