package ai.marft.pretrain;

import ai.marft.env.Problem;
import ai.marft.pretrain.ArithAgent;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.pretrain.ArithTeacher;
import ai.marft.pretrain.Transcript;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * An endless, seeded stream of noisy-teacher transcripts on fresh arith problems: each problem is
 * played by the solo team (probability {@code soloShare}) or the planner → solver team, for up to
 * 1..horizon steps (later steps carry the judge's lines), and every agent turn is one transcript. Problems whose
 * text is held out are skipped, so evaluation problems are never trained on. With a
 * {@link RouterTeacher}, the stream is the router's turns alone, one per step of those episodes (a
 * router model).
 */
final class TranscriptSource {
    private final ArithGenerator problems;
    private final Random draws;
    private final ArithTeacher[] dual, solo; // index h - 1: episodes of horizon h
    private final double soloShare;
    private final Set<String> heldOut;
    private final RouterTeacher router;
    private long skipped;

    TranscriptSource(List<ArithAgent> dualTeam, List<ArithAgent> soloTeam, PretrainOptions o, Set<String> heldOut, long seed) {
        this(dualTeam, soloTeam, null, o, heldOut, seed);
    }

    /** @param router null: the agents' turns; else only the router's turns over the same episodes */
    TranscriptSource(List<ArithAgent> dualTeam, List<ArithAgent> soloTeam, RouterTeacher router, PretrainOptions o, Set<String> heldOut, long seed) {
        this.router = router;
        this.problems = new ArithGenerator(seed);
        this.draws = new Random(~seed);
        this.dual = new ArithTeacher[o.horizon()];
        this.solo = new ArithTeacher[o.horizon()];
        for (int h = 1; h <= o.horizon(); h++) {
            dual[h - 1] = new ArithTeacher(dualTeam, Map.of(dualTeam.get(0).role(), o.plannerRight(), dualTeam.get(1).role(), o.solverRight()),
                    o.fixRate(), h, o.slips());
            solo[h - 1] = new ArithTeacher(soloTeam, Map.of(soloTeam.getFirst().role(), o.soloRight()), 0, h, o.slips());
        }
        this.soloShare = o.soloShare();
        this.heldOut = Set.copyOf(heldOut);
    }

    /** The next problem that is not held out. */
    Problem nextProblem() {
        while (true) {
            Problem p = problems.next();
            if (!heldOut.contains(p.problem())) return p;
            skipped++;
        }
    }

    /** Transcripts of the next {@code n} problems' episodes, in order. */
    List<Transcript> next(int n) {
        List<Transcript> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.addAll(play(nextProblem()));
        return out;
    }

    /**
     * One teacher episode on {@code p}, solo or dual team by chance, its horizon uniform in 1..horizon
     * (short episodes keep most prompts short; long ones teach the turns after a judge's line).
     */
    List<Transcript> play(Problem p) {
        ArithTeacher[] team = draws.nextDouble() < soloShare ? solo : dual;
        Episode e = team[draws.nextInt(team.length)].episode(p, draws);
        return router == null ? e.turns() : router.turns(e, draws);
    }

    /** Held-out problems met (and skipped) so far. */
    long skipped() {
        return skipped;
    }
}
