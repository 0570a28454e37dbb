package ai.marft.env;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads task datasets in the MARFT format: a JSON array, or JSONL, of objects with {@code problem} and {@code final_answer}. */
public final class Datasets {
    private Datasets() {}

    public static List<Problem> load(Path file) {
        if (!Files.isRegularFile(file)) throw new InputError("dataset " + file + ": no such file");
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InputError("dataset " + file + ": cannot read (" + e.getMessage() + ")");
        }
        List<JsonNode> records = new ArrayList<>();
        try {
            String trimmed = text.stripLeading();
            if (trimmed.startsWith("[")) {
                Json.MAPPER.readTree(trimmed).forEach(records::add);
            } else {
                for (String line : text.split("\n")) if (!line.isBlank()) records.add(Json.MAPPER.readTree(line));
            }
        } catch (IOException e) {
            throw new InputError("dataset " + file + ": not valid JSON or JSONL (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        List<Problem> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) out.add(parse(file, i, records.get(i)));
        return out;
    }

    static Problem parse(Path file, int index, JsonNode r) {
        JsonNode p = r.get("problem");
        if (p == null || !p.isTextual()) throw new InputError("dataset " + file + ": record " + index + ": missing text field 'problem'");
        JsonNode a = r.get("final_answer");
        if (a == null || a.isNull() || a.isContainerNode())
            throw new InputError("dataset " + file + ": record " + index + ": missing field 'final_answer'");
        return new Problem(p.asText(), a.asText());
    }
}
