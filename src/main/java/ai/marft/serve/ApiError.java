package ai.marft.serve;

import ai.marft.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the server refuses, answered with an HTTP status and OpenAI's error object
 * {@code {"error": {"message", "type", "param", "code"}}} (the shape vLLM's server returns too).
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;

    public ApiError(int status, String type, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    /** 400 invalid_request_error about {@code param} (null when no single field is to blame). */
    public static ApiError badRequest(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, message);
    }

    /** 404 for a model (base, adapter or team) the server does not have. */
    public static ApiError noSuchModel(String model) {
        return new ApiError(404, "NotFoundError", "model", "The model `" + model + "` does not exist.");
    }

    public int status() {
        return status;
    }

    /** The response body. */
    public ObjectNode body() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", getMessage());
        e.put("type", type);
        if (param == null) e.putNull("param");
        else e.put("param", param);
        e.put("code", status);
        return root;
    }
}
