package ai.marft.pretrain;

import ai.marft.env.Problem;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.env.arith.ArithGrader;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.env.PromptFormat;
import ai.marft.mas.Profiles;
import ai.marft.mas.Routes;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;
import ai.marft.eval.EvalReport;
import ai.marft.eval.EpisodeRecord;
import ai.marft.eval.Evaluator;
import ai.marft.eval.EvaluatorOptions;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * A router model's card figure: the share of each call it writes (and of malformed turns) on the
     * first step of {@code problems}, at {@code temperature}.
     *
     * @param shares call text (or {@link #MALFORMED}) -> share of the problems, the teacher's calls first
     */
    public record RouterMeasure(double temperature, Map<String, Double> shares) {}

    /** The key of malformed router turns in {@link RouterMeasure#shares}. */
    public static final String MALFORMED = "malformed";

    /** The router card's measures at the rollout temperature and at 1.0. */
    public static List<RouterMeasure> measureRouter(Path model, RouterTeacher router, Team team, PretrainOptions o, int n, PrintStream progress) {
        List<Problem> problems = heldOut(o, n);
        int r = team.router();
        try (LmEngine engine = LmEngine.load(model)) {
            List<int[]> prompts = problems.stream().map(p -> engine.tokenizer().encodePrompt(team.prompt(r, PromptFormat.initialState(p.problem()), List.of()))).toList();
            List<RouterMeasure> out = new ArrayList<>();
            for (double t : new double[]{ROLLOUT_TEMPERATURE, 1.0}) {
                if (progress != null) progress.printf("card: router at temperature %.1f%n", t);
                Map<String, Double> shares = new LinkedHashMap<>();
                for (String call : router.calls()) shares.put(call, 0.0);
                shares.put(MALFORMED, 0.0);
                for (int s = 0; s < prompts.size(); s += BATCH) {
                    List<int[]> chunk = prompts.subList(s, Math.min(prompts.size(), s + BATCH));
                    var gens = engine.generate(chunk, Collections.nCopies(chunk.size(), null), new SamplingParams(MAX_NEW_TOKENS, t, TOP_K, 1.0), s);
                    for (var g : gens) {
                        String text = engine.tokenizer().decodeAction(g.tokens());
                        String key = Routes.parse(text, team, r).map(route -> "call: " + String.join(", ", route)).orElse(MALFORMED);
                        shares.merge(key, 1.0 / problems.size(), Double::sum);
                    }
                }
                out.add(new RouterMeasure(t, shares));
            }
            return out;
        }
    }

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
