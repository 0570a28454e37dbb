package ai.marft.env;

import ai.marft.env.math.AnswerExtractor;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.TextFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads task datasets: a JSON array or JSONL of objects with {@code problem} and a gold answer,
 * taken from the first of {@code final_answer} (MARFT format, GSM8K), {@code answer} (MATH; a GSM8K
 * worked answer contributes what follows {@code ####}), or the last {@code \boxed{...}} of
 * {@code solution}. A malformed record fails with one line naming the file, record and field.
 */
public final class Datasets {
    private Datasets() {}

    /** The problems of {@code file} with their gold answers. */
    public static List<Problem> load(Path file) {
        List<JsonNode> records = records(file);
        if (records.isEmpty()) throw new InputError("dataset " + file + ": no problems (expected a JSON array or JSONL of {problem, final_answer})");
        List<Problem> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) out.add(parse(file, i, records.get(i)));
        return out;
    }

    /** The raw records of a JSON-array or JSONL file (for fields beyond problem and answer). */
    public static List<JsonNode> records(Path file) {
        String text = TextFiles.readUtf8(file, "dataset");
        return text.stripLeading().startsWith("[") ? jsonArray(file, text) : jsonLines(file, text);
    }

    private static List<JsonNode> jsonArray(Path file, String text) {
        try {
            List<JsonNode> records = new ArrayList<>();
            Json.MAPPER.readTree(text).forEach(records::add);
            return records;
        } catch (JsonProcessingException e) {
            throw new InputError("dataset " + file + ": not valid JSON at line " + e.getLocation().getLineNr() + " (" + firstLine(e) + ")");
        }
    }

    private static List<JsonNode> jsonLines(Path file, String text) {
        List<JsonNode> records = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            if (lines[n].isBlank()) continue;
            try {
                records.add(Json.MAPPER.readTree(lines[n]));
            } catch (JsonProcessingException e) {
                throw new InputError("dataset " + file + ": line " + (n + 1) + " (record " + records.size() + "): not valid JSON (" + firstLine(e) + ")");
            }
        }
        return records;
    }

    static Problem parse(Path file, int index, JsonNode r) {
        String where = "dataset " + file + ": record " + index;
        if (!r.isObject()) throw new InputError(where + ": not a JSON object");
        JsonNode p = r.get("problem");
        if (p == null || !p.isTextual()) throw new InputError(where + ": missing text field 'problem'");
        return new Problem(p.asText(), goldAnswer(where, r));
    }

    private static String goldAnswer(String where, JsonNode r) {
        String finalAnswer = scalarField(where, r, "final_answer");
        if (finalAnswer != null) return finalAnswer;
        String answer = scalarField(where, r, "answer");
        if (answer != null) {
            int hashes = answer.lastIndexOf("####"); // GSM8K's worked answer ends with "#### 18"
            return hashes >= 0 ? nonEmpty(where, "answer", answer.substring(hashes + 4).strip()) : answer;
        }
        String solution = scalarField(where, r, "solution");
        if (solution != null) {
            String boxed = AnswerExtractor.lastBoxed(solution);
            if (boxed == null) throw new InputError(where + ": field 'solution' has no \\boxed{...} answer");
            return nonEmpty(where, "solution", boxed.strip());
        }
        throw new InputError(where + ": no gold answer (need 'final_answer', 'answer' or a 'solution' with \\boxed{...})");
    }

    /** The field as text (numbers allowed), null when absent; a list or object is an error. */
    private static String scalarField(String where, JsonNode r, String field) {
        JsonNode v = r.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual() && !v.isNumber()) throw new InputError(where + ": field '" + field + "' must be a string or a number");
        return nonEmpty(where, field, v.asText().strip());
    }

    private static String nonEmpty(String where, String field, String value) {
        if (value.isEmpty()) throw new InputError(where + ": field '" + field + "' is empty");
        return value;
    }

    private static String firstLine(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
    }
}
