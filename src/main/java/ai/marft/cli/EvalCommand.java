package ai.marft.cli;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.env.Datasets;
import ai.marft.env.Problem;
import ai.marft.algo.TeamEngines;
import ai.marft.lm.SamplingParams;
import ai.marft.mas.Profiles;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;
import ai.marft.train.Checkpoints;
import ai.marft.eval.EvalReport;
import ai.marft.eval.Evaluator;
import ai.marft.eval.EvaluatorOptions;
import ai.marft.env.Tasks;
import ai.marft.config.TrainConfig;
import ai.marft.env.Grader;
import ai.marft.train.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code marft eval}: accuracy of a team (base model, or a checkpoint's adapters) on a dataset. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a team on a question/answer dataset: accuracy with 95%% CI, per-agent well-formedness, tokens/s.",
                "With --checkpoint, model, profiles, task and sampling default to the ones the checkpoint was trained with."})
public final class EvalCommand implements Runnable {
    @Option(names = "--model", description = "base model folder (HF layout)")
    Path model;
    @Option(names = "--checkpoint", description = "checkpoint folder (steps_NNNN or final): one LoRA adapter per role")
    Path checkpoint;
    @Option(names = "--profiles", description = "profiles file (JSON array of role, prompt, with_answer)")
    Path profiles;
    @Option(names = "--dataset", required = true, description = "dataset (JSON array or JSONL of problem, final_answer)")
    Path dataset;
    @Option(names = "--n", description = "first N problems (default: all)")
    Integer n;
    @Option(names = "--samples", defaultValue = "1", description = "episodes per problem (default: ${DEFAULT-VALUE}); with more than 1, the CI is clustered by problem and pass@k is reported")
    int samples;
    @Option(names = "--temperature", description = "sampling temperature, 0 = greedy (default: checkpoint's, else 0.5)")
    Double temperature;
    @Option(names = "--top-k", description = "top-k filter, 0 = off (default: checkpoint's, else 50)")
    Integer topK;
    @Option(names = "--max-new-tokens", description = "tokens per action (default: checkpoint's, else 512)")
    Integer maxNewTokens;
    @Option(names = "--horizon", defaultValue = "1", description = "joint steps per episode (default: ${DEFAULT-VALUE}: one attempt)")
    int horizon;
    @Option(names = "--seed", defaultValue = "0", description = "sampling seed (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--batch", defaultValue = "32", description = "most rows per generate call (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--task", description = "arith or math (default: checkpoint's; else inferred from the dataset)")
    String task;
    @Option(names = "--records", defaultValue = "runs/eval/records.jsonl", description = "per-episode JSONL output (default: ${DEFAULT-VALUE})")
    Path records;
    @Option(names = "--json", description = "print one JSON object (accuracy, ci95, n, ...) on stdout instead of the table")
    boolean json;

    @Mixin
    ThreadsOption threads;

    @Mixin
    DeviceOption device;

    @Override
    public void run() {
        threads.apply();
        checkOptions();
        TrainConfig trained = checkpoint != null ? Checkpoints.readConfig(checkpoint) : new TrainConfig();
        Path modelDir = model != null ? model : checkpoint != null ? Path.of(trained.modelNameOrPath) : null;
        Path profilesFile = profiles != null ? profiles : checkpoint != null ? Path.of(trained.profilePath) : null;
        if (profilesFile == null) throw new InputError("--profiles is required (or --checkpoint of a run that names its profiles)");
        Team team = Profiles.load(profilesFile);
        boolean everyAgentNamesItsModel = team.agents().stream().allMatch(p -> p.model() != null);
        if (modelDir == null && !everyAgentNamesItsModel) throw new InputError("--model is required (or --checkpoint of a run that names its model)");
        List<Problem> problems = Datasets.load(dataset);
        if (n != null && n > problems.size()) throw new InputError("--n " + n + ": the dataset " + dataset + " has only " + problems.size() + " problems");
        String taskName = task != null ? task : checkpoint != null ? trained.envName : Tasks.infer(problems);
        Grader grader;
        try {
            grader = Tasks.grader(taskName);
        } catch (InputError e) { // say where the name came from
            throw new InputError((task != null ? "--task" : "checkpoint " + checkpoint + ": env_name") + ": " + e.getMessage());
        }
        SamplingParams params = new SamplingParams(maxNewTokens != null ? maxNewTokens : trained.maxNewTokens,
                temperature != null ? temperature : trained.temperature, topK != null ? topK : trained.topK, trained.topP);
        EvaluatorOptions options = new EvaluatorOptions(n != null ? n : problems.size(), samples, seed, horizon, batch);
        RunFolder.requireWritableFile(records, "--records"); // before the model loads: a bad path must not cost an evaluation
        // Flex-MG: each agent on its own base; a checkpoint's adapters on the base each one records (unless --model overrides the run's)
        List<Path> bases = TeamEngines.basesOf(team, modelDir, model == null ? checkpoint : null);
        try (TeamEngines engines = TeamEngines.load(bases, null, device.device())) {
            List<String> adapters = TeamPolicy.baseModel(team);
            if (checkpoint != null) {
                for (int i = 0; i < team.size(); i++) Checkpoints.loadAdapters(engines.agent(i), List.of(team.roles().get(i)), checkpoint);
                adapters = TeamPolicy.roleAdapters(team);
            }
            TeamPolicy policy = new TeamPolicy(team, engines.generators(), adapters, params, Integer.MAX_VALUE);
            EvalReport report = new Evaluator(policy, grader).run(problems, options, System.err);
            report.writeJsonl(records);
            System.err.println("marft eval: task " + taskName + "; per-episode records in " + records);
            if (json) System.out.println(Json.MAPPER.valueToTree(report.toJson()).toString());
            else System.out.print(report.table());
        }
    }

    /** The options' own ranges (sampling values: the training options' declared ones), before any file is read. */
    private void checkOptions() {
        SamplingFlags.check(maxNewTokens, temperature, topK, null);
        if (n != null && n < 1) throw new InputError("--n " + n + ": must be at least 1");
        if (samples < 1) throw new InputError("--samples " + samples + ": must be at least 1");
        if (horizon < 1) throw new InputError("--horizon " + horizon + ": must be at least 1");
        if (batch < 1) throw new InputError("--batch " + batch + ": must be at least 1");
    }
}
