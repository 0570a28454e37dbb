package ai.marft.pretrain;

import ai.marft.env.arith.ArithExpression;
import ai.marft.env.arith.ArithGrader;

import ai.marft.InputError;
import ai.marft.env.Problem;
import ai.marft.env.PromptFormat;
import ai.marft.env.PromptFormat.Turn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The noisy teacher: plays arith episodes for a solo team ({@code [solver]}) or a planner → solver
 * team, writing each agent's turn in exactly the rollout format, right or wrong by chance.
 * <ul>
 *   <li>Planner (with_answer false): right with probability {@code rightRate[role]}; else one of
 *       {@link Mistake#PRODUCT_SLIP}, {@link Mistake#WRONG_ORDER}, {@link Mistake#SIGN_FLIP},
 *       uniformly among those that make the plan's value wrong.</li>
 *   <li>Solver after a right plan: right (carries it out) with probability {@code rightRate[role]};
 *       else {@link Mistake#CHAIN_SLIP}, {@link Mistake#RIGHT_TO_LEFT} or {@link Mistake#STOP_EARLY}.</li>
 *   <li>Solver after a wrong plan: corrects it (writes the full right solution) with probability
 *       {@code fixRate}, else follows it faithfully ({@link Mistake#FOLLOWED_WRONG_PLAN}).</li>
 *   <li>Solo agent: writes the full solution, right with probability {@code rightRate[role]}; else
 *       any of the six mistakes, uniformly among those that make the answer wrong.</li>
 * </ul>
 * Without arithmetic slips ({@code slips} false) the teacher leaves out {@link Mistake#PRODUCT_SLIP}
 * and {@link Mistake#CHAIN_SLIP}: every wrong turn is then a wrong <em>procedure</em> carried out with
 * exact arithmetic, so a model learns exact arithmetic from every transcript and its mistakes are
 * choices at a few tokens, which RL can unlearn (a digit slip looks like a lack of skill instead).
 * A turn with no possible mistake of the allowed kinds is right.
 * Draws are independent per turn and per step; a step is judged as the environment does, and the
 * episode stops when the answer is correct or after {@code horizon} steps.
 */
public final class ArithTeacher {
    private static final List<Mistake> PLAN_MISTAKES = List.of(Mistake.PRODUCT_SLIP, Mistake.WRONG_ORDER, Mistake.SIGN_FLIP);
    private static final List<Mistake> SOLUTION_MISTAKES = List.of(Mistake.CHAIN_SLIP, Mistake.RIGHT_TO_LEFT, Mistake.STOP_EARLY);

    private final List<ArithAgent> team;
    private final double[] rightRate;
    private final double fixRate;
    private final int horizon;
    private final boolean slips;
    private final ArithGrader grader = new ArithGrader();

    /**
     * @param team      one agent with with_answer true, or a planner (false) then a solver (true)
     * @param rightRate probability that each role's turn is right (one entry per role)
     * @param fixRate   probability that the solver corrects a wrong plan (ignored for a solo team)
     * @param horizon   most environment steps per episode (MARFT's horizon)
     */
    public ArithTeacher(List<ArithAgent> team, Map<String, Double> rightRate, double fixRate, int horizon) {
        this(team, rightRate, fixRate, horizon, true);
    }

    /** As {@link #ArithTeacher(List, Map, double, int)}; {@code slips} false leaves out the arithmetic slips. */
    public ArithTeacher(List<ArithAgent> team, Map<String, Double> rightRate, double fixRate, int horizon, boolean slips) {
        boolean solo = team.size() == 1 && team.getFirst().withAnswer();
        boolean dual = team.size() == 2 && !team.get(0).withAnswer() && team.get(1).withAnswer();
        if (!solo && !dual)
            throw new InputError("arith teacher: the team must be one agent with with_answer true, or a planner (with_answer false) then a solver (with_answer true); got "
                    + team.stream().map(a -> a.role() + (a.withAnswer() ? "(with_answer)" : "")).toList());
        if (horizon < 1) throw new InputError("arith teacher: horizon must be >= 1, got " + horizon);
        checkProbability("fix rate", fixRate);
        this.team = List.copyOf(team);
        this.rightRate = new double[team.size()];
        for (int i = 0; i < team.size(); i++) {
            Double p = rightRate.get(team.get(i).role());
            if (p == null) throw new InputError("arith teacher: no right-turn probability for role '" + team.get(i).role() + "'");
            checkProbability("right-turn probability of '" + team.get(i).role() + "'", p);
            this.rightRate[i] = p;
        }
        this.fixRate = fixRate;
        this.horizon = horizon;
        this.slips = slips;
    }

    private boolean allowed(Mistake m) {
        return slips || (m != Mistake.PRODUCT_SLIP && m != Mistake.CHAIN_SLIP);
    }

    private static void checkProbability(String what, double p) {
        if (!(p >= 0 && p <= 1)) throw new InputError("arith teacher: " + what + " must be in [0, 1], got " + p);
    }

    /** Whether the team is one agent (no planner). */
    public boolean isSolo() {
        return team.size() == 1;
    }

    /** Episodes for {@code problems} in order, all drawn from one generator seeded with {@code seed}. */
    public List<Episode> episodes(List<Problem> problems, long seed) {
        Random rng = new Random(seed);
        List<Episode> out = new ArrayList<>(problems.size());
        for (Problem p : problems) out.add(episode(p, rng));
        return out;
    }

    /** One episode for {@code problem} (text as the generator writes it; its answer must be right). */
    public Episode episode(Problem problem, Random rng) {
        ArithExpression e = ArithExpression.parse(problem.problem());
        if (!grader.equal(Long.toString(e.value()), problem.finalAnswer()))
            throw new InputError("arith problem \"" + problem.problem() + "\": final_answer " + problem.finalAnswer() + " is not its value " + e.value());
        List<Transcript> out = new ArrayList<>();
        List<String> states = new ArrayList<>();
        String state = PromptFormat.initialState(problem.problem());
        boolean correct = false;
        int step = 0;
        while (!correct && step < horizon) {
            step++;
            states.add(state);
            List<Turn> turns = new ArrayList<>();
            Draw plan = null;
            if (team.size() == 2) {
                plan = drawPlan(e, rng);
                out.add(transcript(team.getFirst(), step, state, turns, plan));
                turns.add(new Turn(team.getFirst().role(), plan.action()));
            }
            Draw answer = drawAnswer(e, plan, rng);
            out.add(transcript(team.getLast(), step, state, turns, answer));
            turns.add(new Turn(team.getLast().role(), answer.action()));
            correct = grader.equal(grader.extract(answer.action()), problem.finalAnswer());
            state = PromptFormat.nextState(state, turns, correct);
        }
        return new Episode(problem, out, correct, step, states);
    }

    private static Transcript transcript(ArithAgent agent, int step, String state, List<Turn> earlier, Draw d) {
        return new Transcript(agent.role(), step, PromptFormat.agentPrompt(agent.prompt(), state, earlier, agent.role()),
                d.action(), d.right(), d.mistake());
    }

    /** One drawn turn; {@code plan} is the plan behind a planner's action (null for answers). */
    record Draw(String action, boolean right, Mistake mistake, ArithTurns.Plan plan) {}

    /** The planner's turn of a planner → solver team. */
    Draw drawPlan(ArithExpression e, Random rng) {
        if (rng.nextDouble() < rightRate[0]) {
            ArithTurns.Plan right = ArithTurns.rightPlan(e);
            return new Draw(right.text(), true, null, right);
        }
        List<Mistake> possible = PLAN_MISTAKES.stream().filter(m -> allowed(m) && ArithTurns.canMistakePlan(e, m)).toList();
        if (possible.isEmpty()) {
            ArithTurns.Plan right = ArithTurns.rightPlan(e);
            return new Draw(right.text(), true, null, right);
        }
        Mistake m = ArithTurns.pick(possible, rng);
        ArithTurns.Plan wrong = ArithTurns.mistakePlan(e, m, rng);
        return new Draw(wrong.text(), false, m, wrong);
    }

    /** The answering agent's turn: after {@code plan} in a planner → solver team, or alone when it is null. */
    Draw drawAnswer(ArithExpression e, Draw plan, Random rng) {
        ArithTurns.Plan rightPlan = ArithTurns.rightPlan(e);
        ArithTurns.Solution rightFull = ArithTurns.full(rightPlan, ArithTurns.carryOut(rightPlan.rest()));
        if (plan != null && !plan.right()) { // a wrong plan: correct it, or follow it
            if (rng.nextDouble() < fixRate) return new Draw(rightFull.text(), true, null, null);
            return new Draw(ArithTurns.carryOut(plan.plan().rest()).text(), false, Mistake.FOLLOWED_WRONG_PLAN, null);
        }
        boolean solo = plan == null;
        if (rng.nextDouble() < rightRate[team.size() - 1]) {
            String right = solo ? rightFull.text() : ArithTurns.carryOut(rightPlan.rest()).text();
            return new Draw(right, true, null, null);
        }
        List<Mistake> possible = new ArrayList<>();
        if (solo) for (Mistake m : PLAN_MISTAKES) if (allowed(m) && ArithTurns.canMistakePlan(e, m)) possible.add(m);
        for (Mistake m : SOLUTION_MISTAKES) if (allowed(m) && ArithTurns.canMistakeSolution(rightPlan.rest(), m)) possible.add(m);
        if (possible.isEmpty()) return new Draw(solo ? rightFull.text() : ArithTurns.carryOut(rightPlan.rest()).text(), true, null, null);
        Mistake m = ArithTurns.pick(possible, rng);
        ArithTurns.Solution wrong;
        if (m.inPlan()) {
            ArithTurns.Plan wrongPlan = ArithTurns.mistakePlan(e, m, rng);
            wrong = ArithTurns.full(wrongPlan, ArithTurns.carryOut(wrongPlan.rest()));
        } else {
            ArithTurns.Solution rest = ArithTurns.mistakeSolution(rightPlan.rest(), m, rng);
            wrong = solo ? ArithTurns.full(rightPlan, rest) : rest;
        }
        return new Draw(wrong.text(), false, m, null);
    }
}
