package ai.marft.config;

import ai.marft.config.Opt.Ref;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * Everything a training run is configured with, one declaration per option ({@link Opt}): the
 * field's snake_case name is the reference implementation's flag name, so its launch scripts and our
 * YAML/JSON files use one vocabulary. Defaults follow the reference's sample launch script
 * (MARFT.md §8), not its argparse defaults, unless the help says otherwise. Mutable on purpose:
 * {@link TrainConfigLoader} layers file values, then command-line values, on the defaults, then
 * {@link Options#validate} checks the result once.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public final class TrainConfig {
    // --- what to train
    @Opt(help = "APPO (MARFT-A, action level), TPPO (MARFT-T, token level) or GRPO (ours: critic-free group baseline)",
            choices = {"APPO", "TPPO", "GRPO"})
    public String algorithmName = "APPO";
    @Opt(help = "base model folder (Hugging Face layout: config.json, safetensors, tokenizer.json)")
    public String modelNameOrPath;
    @Opt(help = "profiles file: JSON array of {role, prompt, with_answer[, depends_on, model, router, default_route]} (docs/flexmg.md)")
    public String profilePath;
    @Opt(help = "base model folder whose hidden states the critic reads when agents sit on different bases (default: the first agent's base)",
            ref = Ref.OURS)
    public String criticModel;
    @Opt(help = "reward added to a router's decision when its routing action does not parse (the default route is taken; docs/flexmg.md)",
            ref = Ref.OURS)
    public double routerPenalty = -0.1;
    @Opt(help = "training problems: JSON array or JSONL of {problem, final_answer}")
    public String datasetPath;
    @Opt(help = "task whose grader scores answers: arith, or math (math_env is the reference's name)",
            choices = {"arith", "math", "math_env"})
    public String envName = "math_env";
    @Opt(help = "held-out problems evaluated every eval_interval iterations when use_eval is on", ref = Ref.OURS)
    public String evalDatasetPath;
    @Opt(help = "run name; the run folder defaults to runs/<experiment_name>")
    public String experimentName = "check";
    @Opt(help = "run folder (default runs/<experiment_name>)", ref = Ref.OURS)
    public String runDir;
    @Opt(help = "a new run may replace the run already in run_dir (otherwise it refuses to start there)", ref = Ref.OURS)
    public boolean overwrite = false;
    @Opt(help = "warm start from a checkpoint's per-role PEFT adapters (the reference's or ours): critic, optimizers and "
            + "iteration count start fresh; marft train --resume continues a run exactly")
    public String loadPath;
    @Opt(help = "where the base, adapters, value head and optimizer states live: cpu, cuda or cuda:N", ref = Ref.OURS)
    public String device = "cpu";
    @Opt(help = "seed of every random stream of the run")
    public long seed = 10;

    // --- rollout
    @Opt(help = "parallel environments per rollout", min = 1)
    public int nRolloutThreads = 4;
    @Opt(help = "joint steps per rollout (per iteration)", min = 1)
    public int episodeLength = 1;
    @Opt(help = "joint steps per episode at most (the team retries after the judge's line)", min = 1)
    public int horizon = 3;
    @Opt(help = "total environment steps; iterations = num_env_steps / episode_length / n_rollout_threads", min = 1)
    public long numEnvSteps = 10_000_000L;
    @Opt(help = "tokens an agent may generate per turn", min = 1)
    public int maxNewTokens = 512;
    @Opt(help = "context window of the critic and the scorer: a longer prompt keeps its last context_window - max_new_tokens tokens",
            min = 2)
    public int contextWindow = 2048;
    @Opt(help = "sampling temperature of rollouts (training log-probs are taken under the same distribution)", min = 0, minExclusive = true)
    public double temperature = 0.5;
    @Opt(help = "top-k filter of rollouts (0: off)", min = 0)
    public int topK = 50;
    // the reference has no flag: HF generate takes top_p from the model's generation_config.json
    @Opt(help = "top-p (nucleus) filter of rollouts (1: off); unset: the base model's generation_config.json top_p when it has one, as HF generate",
            min = 0, minExclusive = true, max = 1, ref = Ref.OURS)
    public double topP = 1.0;

    @Opt(help = "where rollouts are generated: local (this JVM's engine) or openai (OpenAI-compatible servers: marft serve, vLLM)",
            choices = {"local", "openai"}, ref = Ref.OURS)
    public String rolloutBackend = "local";
    @Opt(help = "base URLs of the rollout servers (rollout_backend openai), e.g. http://10.0.0.5:8000", ref = Ref.OURS)
    public List<String> rolloutServers = List.of();
    @Opt(help = "folder the trainer writes each agent's adapter to (role@iteration) and every server reads (a shared disk)",
            ref = Ref.OURS)
    public String adapterSyncDir;
    @Opt(help = "seconds a rollout request may take before it is retried on another server", min = 0, minExclusive = true, ref = Ref.OURS)
    public double rolloutTimeoutS = 600;

    // --- PPO
    @Opt(help = "action log-prob of MARFT-A: sum over tokens, mean per token, or per word", choices = {"sum", "token", "word"})
    public String normalizationMode = "sum";
    @Opt(help = "passes over each rollout", min = 1)
    public int ppoEpoch = 1;
    @Opt(help = "minibatches per pass (each a set of environment steps)", min = 1)
    public int numMiniBatch = 1;
    @Opt(help = "chunks a minibatch's gradient is accumulated over (memory, not maths)", min = 1)
    public int gradientCpSteps = 2;
    @Opt(help = "learning rate of every agent's adapter (AdamW)", min = 0)
    public double lr = 1e-6;
    @Opt(help = "learning rate of the critic (Adam)", min = 0)
    public double criticLr = 5e-5;
    @Opt(help = "Adam epsilon", min = 0, minExclusive = true)
    public double optiEps = 1e-5;
    @Opt(help = "AdamW weight decay of the adapters", min = 0)
    public double weightDecay = 0;
    @Opt(help = "PPO ratio clip, also the value clip range", min = 0, minExclusive = true)
    public double clipParam = 0.2;
    @Opt(help = "weight of the entropy bonus", min = 0)
    public double entropyCoef = 0.01;
    @Opt(help = "weight of the value loss", min = 0)
    public double valueLossCoef = 1;
    @Opt(help = "gradient-norm clip of each agent and of the critic", min = 0, minExclusive = true)
    public double maxGradNorm = 0.5;
    @Opt(help = "clip gradient norms (bare flag: off, as the reference's store_false)", ref = Ref.STORE_FALSE)
    public boolean useMaxGradNorm = true;
    @Opt(help = "discount over the agent sequence", min = 0, max = 1)
    public double gamma = 0.99;
    @Opt(help = "GAE lambda", min = 0, max = 1)
    public double gaeLambda = 0.95;
    @Opt(help = "Huber value loss, else 1/2 e^2 (bare flag: off, as the reference's store_false)", ref = Ref.STORE_FALSE)
    public boolean useHuberLoss = true;
    @Opt(help = "Huber threshold", min = 0, minExclusive = true)
    public double huberDelta = 10.0;
    @Opt(help = "clipped value loss (bare flag: off, as the reference's store_false)", ref = Ref.STORE_FALSE)
    public boolean useClippedValueLoss = true;
    @Opt(help = "iterations of critic-only updates before the policies train", min = 0)
    public int warmupSteps = 0;
    @Opt(help = "decay both learning rates linearly to 0 over the iterations (or the wall-clock budget, whichever ends first)")
    public boolean useLinearLrDecay = false;
    @Opt(help = "approx-KL early stop of a policy step (ours; the reference hard-codes 1e-3 action level, 1.7e-6 token level: the default)",
            min = 0, minExclusive = true, ref = Ref.OURS)
    public Double targetKl;
    @Opt(help = "KL-to-base penalty in the rewards (ours; 0: the reference, none): per action (APPO, GRPO), per token (TPPO)",
            min = 0, ref = Ref.OURS)
    public double klCoef = 0;
    @Opt(help = "agent-by-agent training: agent floor(step / k) mod N trains (0: all agents every iteration)", min = 0)
    public int agentIterationInterval = 1000;
    @Opt(help = "what agent_iteration_interval and warmup_steps count: iterations (ours), or env_steps as the reference, "
            + "(iteration + 1) x episode_length x n_rollout_threads", choices = {"iterations", "env_steps"}, ref = Ref.OURS)
    public String globalStep = "iterations";
    @Opt(help = "policy step of the agents trained together: per_agent (ours: each its own loss, KL and skip decision) or joint "
            + "(the reference: one loss averaged over agents, one KL, one skip decision for all)", choices = {"per_agent", "joint"},
            ref = Ref.OURS)
    public String policyStep = "per_agent";
    @Opt(help = "GRPO: samples per problem (must divide n_rollout_threads)", min = 2, ref = Ref.OURS)
    public int groupSize = 4;

    // --- LoRA (reference: r 8, alpha 16, q_proj and v_proj)
    @Opt(help = "LoRA rank", min = 1)
    public int loraR = 8;
    @Opt(help = "LoRA alpha (scale alpha / r)", min = 0, minExclusive = true)
    public int loraAlpha = 16;
    @Opt(help = "projections that get adapters", choices = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"})
    public List<String> loraTargets = List.of("q_proj", "v_proj");

    // --- bookkeeping
    @Opt(help = "checkpoint every this many iterations (0: only at the end)", min = 0)
    public int saveInterval = 1000;
    @Opt(help = "checkpoints kept in the run folder, newest first (0: all)", min = 0, ref = Ref.OURS)
    public int keepCheckpoints = 3;
    @Opt(help = "iterations between refreshes of the run's report.html (0: only at the end)", min = 0, ref = Ref.OURS)
    public int reportInterval = 20;
    @Opt(help = "ended episodes kept per iteration in transcripts.jsonl (the report's transcript browser)", min = 1, ref = Ref.OURS)
    public int transcriptsPerIteration = 8;
    @Opt(help = "metrics are written every iteration here", ref = Ref.UNUSED)
    public int logInterval = 1;
    @Opt(help = "evaluate on eval_dataset_path every eval_interval iterations")
    public boolean useEval = false;
    @Opt(help = "iterations between evaluations", min = 1)
    public int evalInterval = 5;
    @Opt(help = "problems per evaluation", min = 1)
    public int evalEpisodes = 10;
    @Opt(help = "wall-clock budget of the run in minutes (0: none); part of the checkpointed state", min = 0, ref = Ref.OURS)
    public double maxMinutes = 0;

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
