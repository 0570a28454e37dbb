package ai.marft.lm;

import ai.marft.InputError;

/** A linear layer of a decoder block that a LoRA adapter may target, by its PEFT / Hugging Face name. */
public enum LoraTarget {
    Q("self_attn", "q_proj"), K("self_attn", "k_proj"), V("self_attn", "v_proj"), O("self_attn", "o_proj"),
    GATE("mlp", "gate_proj"), UP("mlp", "up_proj"), DOWN("mlp", "down_proj");

    /** The block part ({@code self_attn} or {@code mlp}) and the module name ({@code q_proj}...). */
    public final String part, module;

    LoraTarget(String part, String module) {
        this.part = part;
        this.module = module;
    }

    /** Input features of this layer in a model of config c. */
    public int in(ModelConfig c) {
        return switch (this) {
            case O -> c.heads() * c.headDim();
            case DOWN -> c.intermediate();
            default -> c.hidden();
        };
    }

    /** Output features of this layer in a model of config c. */
    public int out(ModelConfig c) {
        return switch (this) {
            case Q -> c.heads() * c.headDim();
            case K, V -> c.kvHeads() * c.headDim();
            case GATE, UP -> c.intermediate();
            case O, DOWN -> c.hidden();
        };
    }

    /** The target called {@code module} (e.g. "q_proj"); an unknown name is an {@link InputError}. */
    public static LoraTarget of(String module) {
        for (LoraTarget t : values()) if (t.module.equals(module)) return t;
        throw new InputError("LoRA target '" + module + "' is not a linear layer of a llama/qwen2 block (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)");
    }
}
