package ai.marft.report;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The numeric columns of a run's {@code metrics.jsonl}, one row per line, in file order: every key
 * whose values are numbers becomes a column (NaN where a line has null or lacks it); a two-number
 * array such as {@code eval_ci95} becomes {@code <key>_low} and {@code <key>_high}. The x axis is
 * the {@code iteration} column (the line number when a file has none).
 */
public final class MetricsTable {
    public static final String ITERATION = "iteration";
    private final double[] iterations;
    private final Map<String, double[]> columns;

    private MetricsTable(double[] iterations, Map<String, double[]> columns) {
        this.iterations = iterations;
        this.columns = columns;
    }

    /**
     * Reads {@code file}; an unreadable line is an {@link InputError} naming the file and line, except
     * an unfinished last line (no newline after it yet: the run is writing it), which is left out.
     */
    public static MetricsTable read(Path file) {
        List<String> lines = JsonLines.read(file);
        List<JsonNode> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                JsonNode n = Json.MAPPER.readTree(lines.get(i));
                if (!n.isObject()) throw new InputError(file + " line " + (i + 1) + ": expected a JSON object per line");
                rows.add(n);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new InputError(file + " line " + (i + 1) + ": not JSON (" + e.getOriginalMessage() + ")");
            }
        }
        return of(rows);
    }

    /** The table of {@code rows} (JSON objects). */
    public static MetricsTable of(List<JsonNode> rows) {
        int n = rows.size();
        Map<String, double[]> cols = new LinkedHashMap<>();
        for (int r = 0; r < n; r++) {
            var fields = rows.get(r).properties();
            for (var f : fields) {
                JsonNode v = f.getValue();
                if (v.isNumber()) column(cols, f.getKey(), n)[r] = v.asDouble();
                else if (v.isArray() && v.size() == 2 && v.get(0).isNumber() && v.get(1).isNumber()) {
                    column(cols, f.getKey() + "_low", n)[r] = v.get(0).asDouble();
                    column(cols, f.getKey() + "_high", n)[r] = v.get(1).asDouble();
                } else if (v.isNull() || v.isArray()) column(cols, f.getKey(), n); // a column that is null here (critic warm-up)
            }
        }
        double[] it = cols.remove(ITERATION);
        if (it == null) {
            it = new double[n];
            for (int r = 0; r < n; r++) it[r] = r + 1;
        }
        return new MetricsTable(it, cols);
    }

    private static double[] column(Map<String, double[]> cols, String key, int n) {
        return cols.computeIfAbsent(key, k -> {
            double[] a = new double[n];
            Arrays.fill(a, Double.NaN);
            return a;
        });
    }

    public int rows() {
        return iterations.length;
    }

    /** The x values (iteration of each row). */
    public double[] iterations() {
        return iterations;
    }

    /** Column names in first-seen order, {@code iteration} excluded. */
    public List<String> names() {
        return List.copyOf(columns.keySet());
    }

    public boolean has(String name) {
        return columns.containsKey(name);
    }

    /** Whether the column has at least one number. */
    public boolean hasValues(String name) {
        double[] c = columns.get(name);
        if (c == null) return false;
        for (double v : c) if (!Double.isNaN(v)) return true;
        return false;
    }

    /** The column's values, NaN where a row has none. */
    public double[] column(String name) {
        double[] c = columns.get(name);
        if (c == null) throw new IllegalArgumentException("no column " + name);
        return c;
    }
}
