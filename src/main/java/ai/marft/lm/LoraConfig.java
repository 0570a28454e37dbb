package ai.marft.lm;

import java.util.List;

/** Shape of a LoRA adapter: rank r, alpha (scaling = alpha / r) and the targeted linear layers. */
public record LoraConfig(int r, double alpha, List<LoraTarget> targets) {
    public LoraConfig {
        if (r < 1) throw new IllegalArgumentException("LoRA r must be >= 1, got " + r);
        if (targets.isEmpty()) throw new IllegalArgumentException("LoRA needs at least one target module");
        targets = List.copyOf(targets);
    }

    /** The reference's adapters: r 8, alpha 16, q_proj and v_proj. */
    public static LoraConfig defaults() {
        return new LoraConfig(8, 16, List.of(LoraTarget.Q, LoraTarget.V));
    }

    public double scaling() {
        return alpha / r;
    }
}
