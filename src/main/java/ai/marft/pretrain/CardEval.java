package ai.marft.pretrain;

import ai.marft.env.Problem;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.env.arith.ArithGrader;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.mas.Profiles;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;
import ai.marft.eval.EvalReport;
import ai.marft.eval.EpisodeRecord;
import ai.marft.eval.Evaluator;
import ai.marft.eval.EvaluatorOptions;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The model card's measurements: the written model folder, loaded back with {@link LmEngine#load},
 * evaluated by {@link Evaluator} on held-out problems (one attempt each) for the planner → solver
 * team at the rollout temperature and at 1.0, and for the solo team at the rollout temperature.
 * Besides the Evaluator's well-formedness, each turn is checked against the task's grammar: a plan
 * (steps, then {@code so} and what is left), an answer (steps, then a boxed integer).
 */
public final class CardEval {
    /** Rollout sampling the figures are for (the reference's, and the RL trainer's default): T 0.5, top-k 50. */
    public static final double ROLLOUT_TEMPERATURE = 0.5;
    public static final int TOP_K = 50, MAX_NEW_TOKENS = 64, BATCH = 64;
    private static final String STEP = "-?\\d+ [-+*] -?\\d+ = -?\\d+, ";
    static final Pattern PLAN = Pattern.compile("(" + STEP + ")+so -?\\d+( [-+] -?\\d+)*");
    static final Pattern ANSWER = Pattern.compile("(" + STEP + ")*\\\\boxed\\{-?\\d+}");

    private CardEval() {}

    /** One team at one temperature: the Evaluator's report and the fraction of grammatical turns per agent. */
    public record Measure(String team, double temperature, EvalReport report, List<String> roles, double[] grammatical) {}

    /** The card's three measures. */
    public record Figures(Measure dual, Measure dualT1, Measure solo, int problems, long heldOutSeed) {}

    /** The first {@code n} held-out problems of {@code o} ({@code marft arith-dataset --n N --seed heldOutSeed}). */
    public static List<Problem> heldOut(PretrainOptions o, int n) {
        return new ArithGenerator(o.heldOutSeed()).generate(n);
    }

    public static Figures measure(Path model, Path dualProfiles, Path soloProfiles, PretrainOptions o, int n, PrintStream progress) {
        List<Problem> problems = heldOut(o, n);
        Team dual = Profiles.load(dualProfiles), solo = Profiles.load(soloProfiles);
        try (LmEngine engine = LmEngine.load(model)) {
            return new Figures(run(engine, dual, "planner -> solver", problems, ROLLOUT_TEMPERATURE, progress),
                    run(engine, dual, "planner -> solver", problems, 1.0, progress),
                    run(engine, solo, "solo", problems, ROLLOUT_TEMPERATURE, progress), n, o.heldOutSeed());
        }
    }

    static Measure run(LmEngine engine, Team team, String name, List<Problem> problems, double temperature, PrintStream progress) {
        if (progress != null) progress.printf("card: %s at temperature %.1f%n", name, temperature);
        TeamPolicy policy = new TeamPolicy(team, engine, TeamPolicy.baseModel(team), new SamplingParams(MAX_NEW_TOKENS, temperature, TOP_K, 1.0));
        EvalReport r = new Evaluator(policy, new ArithGrader()).run(problems, new EvaluatorOptions(problems.size(), 1, 0, 1, BATCH), progress);
        List<String> roles = team.roles();
        double[] grammatical = new double[roles.size()];
        for (EpisodeRecord e : r.records())
            for (int i = 0; i < roles.size(); i++)
                if (grammatical(turn(e.transcript(), roles.get(i)), team.withAnswer()[i])) grammatical[i]++;
        for (int i = 0; i < grammatical.length; i++) grammatical[i] /= r.n();
        return new Measure(name, temperature, r, roles, grammatical);
    }

    /** The text of {@code role}'s first turn in an episode's state ({@code role: text} line), or null. */
    static String turn(String state, String role) {
        for (String line : state.split("\n", -1)) if (line.startsWith(role + ": ")) return line.substring(role.length() + 2);
        return null;
    }

    /** Whether a turn follows the task's grammar: an answer when the agent is graded, else a plan. */
    static boolean grammatical(String turn, boolean graded) {
        return turn != null && (graded ? ANSWER : PLAN).matcher(turn).matches();
    }
}
