package ai.marft.serve;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Typed reads of a request body's fields; anything of the wrong kind is a 400 naming the field. */
final class Fields {
    private final JsonNode body;

    Fields(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiError.badRequest(null, "the request body must be a JSON object");
        this.body = body;
    }

    JsonNode raw(String name) {
        JsonNode v = body.get(name);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String name) {
        return raw(name) != null;
    }

    String string(String name) {
        JsonNode v = raw(name);
        if (v == null) throw ApiError.badRequest(name, "'" + name + "' is required");
        if (!v.isTextual()) throw ApiError.badRequest(name, "'" + name + "' must be a string, got " + v);
        return v.asText();
    }

    Double number(String name) {
        JsonNode v = raw(name);
        if (v == null) return null;
        if (!v.isNumber()) throw ApiError.badRequest(name, "'" + name + "' must be a number, got " + v);
        return v.asDouble();
    }

    double number(String name, double fallback, double min, double max) {
        Double v = number(name);
        if (v == null) return fallback;
        if (!(v >= min && v <= max)) throw ApiError.badRequest(name, "'" + name + "' must be in [" + min + ", " + max + "], got " + v);
        return v;
    }

    Long integer(String name) {
        JsonNode v = raw(name);
        if (v == null) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw ApiError.badRequest(name, "'" + name + "' must be an integer, got " + v);
        return v.asLong();
    }

    int integer(String name, int fallback, int min, int max) {
        Long v = integer(name);
        if (v == null) return fallback;
        if (v < min || v > max) throw ApiError.badRequest(name, "'" + name + "' must be in [" + min + ", " + max + "], got " + v);
        return v.intValue();
    }

    boolean flag(String name) {
        JsonNode v = raw(name);
        if (v == null) return false;
        if (!v.isBoolean()) throw ApiError.badRequest(name, "'" + name + "' must be true or false, got " + v);
        return v.asBoolean();
    }

    /** A string or a list of strings (OpenAI's {@code stop}); empty when absent. */
    List<String> strings(String name) {
        JsonNode v = raw(name);
        List<String> out = new ArrayList<>();
        if (v == null) return out;
        if (v.isTextual()) out.add(v.asText());
        else if (v.isArray()) for (JsonNode s : v) {
            if (!s.isTextual()) throw ApiError.badRequest(name, "'" + name + "' must be a string or a list of strings, found " + s);
            out.add(s.asText());
        }
        else throw ApiError.badRequest(name, "'" + name + "' must be a string or a list of strings, got " + v);
        out.removeIf(String::isEmpty);
        return out;
    }
}
