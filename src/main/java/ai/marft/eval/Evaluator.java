package ai.marft.eval;

import ai.marft.progress.Budget;
import ai.marft.progress.Progress;

import ai.marft.InputError;
import ai.marft.env.Grader;
import ai.marft.env.Problem;
import ai.marft.env.ProblemSource;
import ai.marft.env.QaEnv;
import ai.marft.env.StepResult;
import ai.marft.mas.AgentStep;
import ai.marft.mas.Seeds;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures a team on a question/answer dataset: the first N problems × K samples, each an episode of
 * {@link QaEnv} (up to the horizon). Episodes run in batches: up to batchSize / widest-layer episodes
 * are in flight, each round is one joint step of all of them (one generate call per layer, seeded
 * with {@code Seeds.mix(seed, round)}), and a finished episode's place goes to the next one.
 * Same seed and batch size, same report.
 */
public final class Evaluator {

    private final TeamPolicy policy;
    private final Grader grader;
    private final boolean[] graded;
    private final int lastGraded;

    /** @param policy the team, its generator, adapters and sampling (temperature 0: greedy) */
    public Evaluator(TeamPolicy policy, Grader grader) {
        this.policy = policy;
        this.grader = grader;
        this.graded = policy.team().withAnswer();
        int last = -1;
        for (int i = 0; i < graded.length; i++) if (graded[i]) last = i;
        this.lastGraded = last;
    }

    /** One episode in flight. */
    private record Episode(int index, int sample, QaEnv env, List<String> observations) {}

    /** Running totals over every action of every episode. */
    private static final class Tally {
        final long[] acted, wellFormed;
        final Map<String, Long> routes = new HashMap<>(), routesCorrect = new HashMap<>();
        long tokens, routed, fallbacks;
        int finished, correct;

        Tally(int agents) {
            acted = new long[agents];
            wellFormed = new long[agents];
        }
    }

    /**
     * Runs the evaluation.
     *
     * @param progress where to report progress every few seconds (stderr in the CLI); null for none
     */
    public EvalReport run(List<Problem> dataset, EvaluatorOptions options, PrintStream progress) {
        if (options.problems() > dataset.size())
            throw new InputError("asked for " + options.problems() + " problems but the dataset has " + dataset.size());
        Team team = policy.team();
        int total = options.problems() * options.samples();
        int capacity = Math.max(1, options.batchSize() / team.graph().maxLayerWidth());
        EpisodeRecord[] records = new EpisodeRecord[total];
        Tally tally = new Tally(team.size());
        List<Episode> active = new ArrayList<>();
        int started = 0, round = 0;
        long start = System.nanoTime();
        Progress bar = progress == null ? null : Progress.of("eval", "episode", Budget.units(total), progress);
        while (tally.finished < total) {
            for (; active.size() < capacity && started < total; started++) {
                int index = started / options.samples();
                QaEnv env = new QaEnv(team.roles(), graded, grader, ProblemSource.sequential(List.of(dataset.get(index))), options.horizon());
                active.add(new Episode(index, started % options.samples(), env, env.reset()));
            }
            TeamPolicy.JointStep joint = policy.actJoint(active.stream().map(Episode::observations).toList(), Seeds.mix(options.seed(), round++));
            AgentStep[][] steps = joint.steps();
            List<Episode> running = new ArrayList<>();
            for (int k = 0; k < active.size(); k++) {
                Episode ep = active.get(k);
                // null: a router left the agent out of this step
                StepResult r = ep.env().step(Arrays.stream(steps[k]).map(a -> a == null ? null : a.actionText()).toList());
                count(tally, steps[k], r);
                if (joint.routes().get(k) != null) {
                    tally.routed++;
                    String route = Routing.label(joint.routes().get(k));
                    tally.routes.merge(route, 1L, Long::sum);
                    if ((Boolean) r.info().get(QaEnv.CORRECT)) tally.routesCorrect.merge(route, 1L, Long::sum);
                    if (joint.fallbacks()[k]) tally.fallbacks++;
                }
                if (!r.done()) running.add(new Episode(ep.index(), ep.sample(), ep.env(), r.observations()));
                else records[ep.index() * options.samples() + ep.sample()] = finish(tally, ep, r);
            }
            active = running;
            double secs = (System.nanoTime() - start) / 1e9;
            if (bar != null) bar.episodes(tally.finished, tally.finished == 0 ? 0 : (double) tally.correct / tally.finished,
                    secs > 0 ? tally.tokens / secs : 0); // throttled by Progress itself
        }
        if (bar != null) bar.close();
        double[] fractions = new double[team.size()];
        for (int i = 0; i < fractions.length; i++) fractions[i] = (double) tally.wellFormed[i] / tally.acted[i];
        Routing routing = team.router() < 0 ? null : new Routing(tally.routed, tally.routes, tally.routesCorrect, tally.fallbacks);
        return new EvalReport(options, tally.correct, team.roles(), fractions, tally.tokens, (System.nanoTime() - start) / 1e9, List.of(records), routing);
    }

    /** Well-formed: a graded agent stated an answer; another agent said something and was not cut short. */
    private void count(Tally tally, AgentStep[] steps, StepResult r) {
        List<?> answers = (List<?>) r.info().get(QaEnv.ANSWERS);
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] == null) continue;
            tally.tokens += steps[i].actionTokens().length;
            tally.acted[i]++;
            boolean ok = graded[i] ? answers.get(i) != null : !steps[i].actionText().isBlank() && steps[i].endedWithEos();
            if (ok) tally.wellFormed[i]++;
        }
    }

    private EpisodeRecord finish(Tally tally, Episode ep, StepResult last) {
        boolean correct = (Boolean) last.info().get(QaEnv.CORRECT);
        tally.finished++;
        if (correct) tally.correct++;
        Problem p = ep.env().problem();
        String answer = (String) ((List<?>) last.info().get(QaEnv.ANSWERS)).get(lastGraded);
        return new EpisodeRecord(ep.index(), ep.sample(), p.problem(), p.finalAnswer(), answer, correct,
                (Double) last.info().get(QaEnv.SCORE), (Integer) last.info().get(QaEnv.STEP), ep.env().state());
    }
}
