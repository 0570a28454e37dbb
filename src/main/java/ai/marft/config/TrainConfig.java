package ai.marft.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * Everything a training run is configured with. Field names are the reference implementation's
 * command-line names (snake_case), so its launch scripts and our YAML/JSON files use one vocabulary.
 * Defaults are the reference's sample launch (MARFT.md §8) unless a comment says otherwise.
 * Mutable on purpose: {@link TrainConfigLoader} layers file values, then command-line values, on it.
 */
public final class TrainConfig {
    // --- what to train
    @JsonProperty("algorithm_name") public String algorithmName = "APPO"; // APPO | TPPO | GRPO
    @JsonProperty("model_name_or_path") public String modelNameOrPath;
    @JsonProperty("profile_path") public String profilePath;
    @JsonProperty("dataset_path") public String datasetPath;
    @JsonProperty("env_name") public String envName = "math_env"; // math_env | arith (grader choice)
    @JsonProperty("eval_dataset_path") public String evalDatasetPath; // ours: held-out set for use_eval
    @JsonProperty("experiment_name") public String experimentName = "check";
    @JsonProperty("run_dir") public String runDir; // ours: default runs/<experiment_name>
    @JsonProperty("load_path") public String loadPath; // reference name of --resume
    @JsonProperty("seed") public long seed = 10;

    // --- rollout
    @JsonProperty("n_rollout_threads") public int nRolloutThreads = 4;
    @JsonProperty("episode_length") public int episodeLength = 1;
    @JsonProperty("horizon") public int horizon = 3;
    @JsonProperty("num_env_steps") public long numEnvSteps = 10_000_000L;
    @JsonProperty("max_new_tokens") public int maxNewTokens = 512;
    @JsonProperty("context_window") public int contextWindow = 2048;
    @JsonProperty("temperature") public double temperature = 0.5; // reference's sampling (MARFT.md §7)
    @JsonProperty("top_k") public int topK = 50;
    @JsonProperty("top_p") public double topP = 1.0;

    // --- PPO
    @JsonProperty("normalization_mode") public String normalizationMode = "sum"; // sum | token | word
    @JsonProperty("ppo_epoch") public int ppoEpoch = 1;
    @JsonProperty("num_mini_batch") public int numMiniBatch = 1;
    @JsonProperty("gradient_cp_steps") public int gradientCpSteps = 2;
    @JsonProperty("lr") public double lr = 1e-6;
    @JsonProperty("critic_lr") public double criticLr = 5e-5;
    @JsonProperty("opti_eps") public double optiEps = 1e-5;
    @JsonProperty("weight_decay") public double weightDecay = 0;
    @JsonProperty("clip_param") public double clipParam = 0.2;
    @JsonProperty("entropy_coef") public double entropyCoef = 0.01;
    @JsonProperty("value_loss_coef") public double valueLossCoef = 1;
    @JsonProperty("max_grad_norm") public double maxGradNorm = 0.5;
    @JsonProperty("use_max_grad_norm") public boolean useMaxGradNorm = true;
    @JsonProperty("gamma") public double gamma = 0.99;
    @JsonProperty("gae_lambda") public double gaeLambda = 0.95;
    @JsonProperty("use_huber_loss") public boolean useHuberLoss = true;
    @JsonProperty("huber_delta") public double huberDelta = 10.0;
    @JsonProperty("use_clipped_value_loss") public boolean useClippedValueLoss = true;
    @JsonProperty("warmup_steps") public int warmupSteps = 0;
    @JsonProperty("use_linear_lr_decay") public boolean useLinearLrDecay = false;
    /** Ours: the reference hard-codes these (1e-3 action level, 1.7e-6 token level); null = those values. */
    @JsonProperty("target_kl") public Double targetKl;
    /** Ours (APPO): per-action KL-to-base penalty in each agent's reward, as InstructGPT's PPO; 0 = the reference (none). */
    @JsonProperty("kl_coef") public double klCoef = 0;
    @JsonProperty("agent_iteration_interval") public int agentIterationInterval = 1000;
    @JsonProperty("group_size") public int groupSize = 4; // ours: samples per problem for GRPO

    // --- LoRA (reference: r 8, alpha 16, q_proj and v_proj)
    @JsonProperty("lora_r") public int loraR = 8;
    @JsonProperty("lora_alpha") public int loraAlpha = 16;
    @JsonProperty("lora_targets") public List<String> loraTargets = List.of("q_proj", "v_proj");

    // --- bookkeeping
    @JsonProperty("save_interval") public int saveInterval = 1000;
    @JsonProperty("log_interval") public int logInterval = 1;
    @JsonProperty("use_eval") public boolean useEval = false;
    @JsonProperty("eval_interval") public int evalInterval = 5;
    @JsonProperty("eval_episodes") public int evalEpisodes = 10;
    @JsonProperty("max_minutes") public double maxMinutes = 0; // ours: wall-clock budget, 0 = none

    /** Effective KL early-stop threshold: {@link #targetKl}, else the reference's constant for the algorithm. */
    public double effectiveTargetKl() {
        if (targetKl != null) return targetKl;
        return "TPPO".equals(algorithmName) ? 1.7e-6 : 1e-3;
    }

    /** Training iterations implied by num_env_steps (reference: steps // episode_length // threads). */
    public long iterations() {
        return Math.max(1, numEnvSteps / episodeLength / nRolloutThreads);
    }
}
