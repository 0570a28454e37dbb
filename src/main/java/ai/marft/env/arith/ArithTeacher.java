package ai.marft.env.arith;

import ai.marft.InputError;
import ai.marft.env.Problem;
import ai.marft.mas.PromptFormat;
import ai.marft.mas.PromptFormat.Turn;

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
    private final ArithGrader grader = new ArithGrader();

    /**
     * @param team      one agent with with_answer true, or a planner (false) then a solver (true)
     * @param rightRate probability that each role's turn is right (one entry per role)
     * @param fixRate   probability that the solver corrects a wrong plan (ignored for a solo team)
     * @param horizon   most environment steps per episode (MARFT's horizon)
     */
    public ArithTeacher(List<ArithAgent> team, Map<String, Double> rightRate, double fixRate, int horizon) {
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
    }

    private static void checkProbability(String what, double p) {
        if (!(p >= 0 && p <= 1)) throw new InputError("arith teacher: " + what + " must be in [0, 1], got " + p);
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
        String state = PromptFormat.initialState(problem.problem());
        boolean correct = false;
        int step = 0;
        while (!correct && step < horizon) {
            step++;
            List<Turn> turns = team.size() == 1 ? soloStep(e, state, step, rng, out) : dualStep(e, state, step, rng, out);
            correct = grader.equal(grader.extract(turns.getLast().action()), problem.finalAnswer());
            state = PromptFormat.nextState(state, turns, correct);
        }
        return new Episode(problem, out, correct, step);
    }

    private List<Turn> soloStep(ArithExpression e, String state, int step, Random rng, List<Transcript> out) {
        ArithAgent solver = team.getFirst();
        ArithTurns.Plan plan = ArithTurns.rightPlan(e);
        boolean right = rng.nextDouble() < rightRate[0];
        ArithTurns.Solution s = ArithTurns.full(plan, ArithTurns.carryOut(plan.rest()));
        Mistake mistake = null;
        if (!right) {
            List<Mistake> possible = new ArrayList<>();
            for (Mistake m : PLAN_MISTAKES) if (ArithTurns.canMistakePlan(e, m)) possible.add(m);
            for (Mistake m : SOLUTION_MISTAKES) if (ArithTurns.canMistakeSolution(plan.rest(), m)) possible.add(m);
            mistake = ArithTurns.pick(possible, rng);
            if (mistake.inPlan()) {
                ArithTurns.Plan wrong = ArithTurns.mistakePlan(e, mistake, rng);
                s = ArithTurns.full(wrong, ArithTurns.carryOut(wrong.rest()));
            } else {
                s = ArithTurns.full(plan, ArithTurns.mistakeSolution(plan.rest(), mistake, rng));
            }
        }
        String prompt = PromptFormat.agentPrompt(solver.prompt(), state, List.of(), solver.role());
        out.add(new Transcript(solver.role(), step, prompt, s.text(), right, mistake));
        return List.of(new Turn(solver.role(), s.text()));
    }

    private List<Turn> dualStep(ArithExpression e, String state, int step, Random rng, List<Transcript> out) {
        ArithAgent planner = team.get(0);
        ArithAgent solver = team.get(1);
        ArithTurns.Plan rightPlan = ArithTurns.rightPlan(e);

        boolean planRight = rng.nextDouble() < rightRate[0];
        ArithTurns.Plan plan = rightPlan;
        Mistake planMistake = null;
        if (!planRight) {
            List<Mistake> possible = PLAN_MISTAKES.stream().filter(m -> ArithTurns.canMistakePlan(e, m)).toList();
            planMistake = ArithTurns.pick(possible, rng);
            plan = ArithTurns.mistakePlan(e, planMistake, rng);
        }
        Turn planTurn = new Turn(planner.role(), plan.text());
        out.add(new Transcript(planner.role(), step, PromptFormat.agentPrompt(planner.prompt(), state, List.of(), planner.role()),
                plan.text(), planRight, planMistake));

        boolean solveRight;
        ArithTurns.Solution s;
        Mistake solveMistake = null;
        if (planRight) {
            solveRight = rng.nextDouble() < rightRate[1];
            s = ArithTurns.carryOut(plan.rest());
            if (!solveRight) {
                List<Mistake> possible = SOLUTION_MISTAKES.stream().filter(m -> ArithTurns.canMistakeSolution(rightPlan.rest(), m)).toList();
                solveMistake = ArithTurns.pick(possible, rng);
                s = ArithTurns.mistakeSolution(plan.rest(), solveMistake, rng);
            }
        } else {
            solveRight = rng.nextDouble() < fixRate;
            s = solveRight ? ArithTurns.full(rightPlan, ArithTurns.carryOut(rightPlan.rest())) : ArithTurns.carryOut(plan.rest());
            if (!solveRight) solveMistake = Mistake.FOLLOWED_WRONG_PLAN;
        }
        out.add(new Transcript(solver.role(), step, PromptFormat.agentPrompt(solver.prompt(), state, List.of(planTurn), solver.role()),
                s.text(), solveRight, solveMistake));
        return List.of(planTurn, new Turn(solver.role(), s.text()));
    }
}
