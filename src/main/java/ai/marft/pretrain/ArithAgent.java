package ai.marft.pretrain;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.TextFiles;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The three profile fields the arith teacher uses (MARFT.md §2): role, system prompt, and whether
 * the agent's answer is graded. A full Profile (ai.marft.mas) maps onto this one to one.
 */
public record ArithAgent(String role, String prompt, boolean withAnswer) {
    /** Reads a MARFT profiles file (a JSON array in acting order); other keys are ignored. */
    public static List<ArithAgent> readProfiles(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(TextFiles.readUtf8(file, "profiles"));
        } catch (IOException e) {
            throw new InputError("profiles " + file + ": cannot read as JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isArray()) throw new InputError("profiles " + file + ": expected a JSON array of agents");
        List<ArithAgent> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode a = root.get(i);
            JsonNode role = a.get("role");
            JsonNode prompt = a.get("prompt");
            JsonNode withAnswer = a.get("with_answer");
            if (role == null || !role.isTextual()) throw new InputError("profiles " + file + ": agent " + i + ": missing text field 'role'");
            if (prompt == null || !prompt.isTextual()) throw new InputError("profiles " + file + ": agent " + i + ": missing text field 'prompt'");
            if (withAnswer == null || !withAnswer.isBoolean())
                throw new InputError("profiles " + file + ": agent " + i + ": missing boolean field 'with_answer'");
            out.add(new ArithAgent(role.asText(), prompt.asText(), withAnswer.asBoolean()));
        }
        return out;
    }
}
