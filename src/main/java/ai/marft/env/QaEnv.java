package ai.marft.env;

import ai.marft.InputError;
import ai.marft.env.PromptFormat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The question/answer task of MARFT.md §3 (math and the like). The state starts as the problem; a
 * joint step appends every agent's {@code role: action} line, grades the {@code with_answer} agents,
 * appends the judge's line, and gives the score (fraction of graded agents correct) to the last
 * agent only. The episode ends when the score is positive or after {@code horizon} steps.
 *
 * <p>Info keys of a step: {@code problem}, {@code gold}, {@code answers} (per agent, the extracted
 * answer, null for ungraded agents and for graded ones that stated none), {@code score},
 * {@code correct} (score &gt; 0), {@code step} (1 for an episode's first step).
 */
public final class QaEnv implements Env {
    public static final String PROBLEM = "problem", GOLD = "gold", ANSWERS = "answers", SCORE = "score", CORRECT = "correct", STEP = "step";

    private final List<String> roles;
    private final boolean[] withAnswer;
    private final int graded;
    private final Grader grader;
    private final ProblemSource source;
    private final int horizon;
    private Problem problem;
    private String state;
    private int steps;
    private boolean done = true;

    /**
     * @param roles      agent roles, acting order
     * @param withAnswer which agents are graded, acting order; at least one
     * @param horizon    most joint steps per episode (&ge; 1)
     */
    public QaEnv(List<String> roles, boolean[] withAnswer, Grader grader, ProblemSource source, int horizon) {
        if (roles.size() != withAnswer.length) throw new IllegalArgumentException(roles.size() + " roles but " + withAnswer.length + " with_answer flags");
        if (horizon < 1) throw new InputError("horizon must be at least 1, got " + horizon);
        this.graded = (int) IntStream.range(0, withAnswer.length).filter(i -> withAnswer[i]).count();
        if (graded == 0) throw new InputError("the question/answer task grades the agents with \"with_answer\": true, and none of " + roles + " has it");
        this.roles = List.copyOf(roles);
        this.withAnswer = withAnswer.clone();
        this.grader = grader;
        this.source = source;
        this.horizon = horizon;
    }

    /** n environments sharing one problem source (each reset draws the source's next problem). */
    public static VecEnv vectorised(int n, List<String> roles, boolean[] withAnswer, Grader grader, ProblemSource source, int horizon) {
        List<QaEnv> envs = new ArrayList<>();
        for (int e = 0; e < n; e++) envs.add(new QaEnv(roles, withAnswer, grader, source, horizon));
        return new VecEnv(envs);
    }

    @Override
    public int numAgents() {
        return roles.size();
    }

    @Override
    public List<String> reset() {
        problem = source.next();
        state = PromptFormat.initialState(problem.problem());
        steps = 0;
        done = false;
        return observations();
    }

    @Override
    public StepResult step(List<String> actions) {
        if (done) throw new IllegalStateException(problem == null ? "step before reset" : "step after the episode ended, without reset");
        if (actions.size() != roles.size()) throw new IllegalArgumentException(actions.size() + " actions for " + roles.size() + " agents");
        String[] answers = new String[roles.size()];
        int correct = 0;
        List<PromptFormat.Turn> turns = new ArrayList<>();
        for (int i = 0; i < roles.size(); i++) {
            if (actions.get(i) == null) continue; // a router left this agent out of the step: no turn, no answer
            turns.add(new PromptFormat.Turn(roles.get(i), actions.get(i)));
            if (!withAnswer[i]) continue;
            answers[i] = grader.extract(actions.get(i));
            if (answers[i] != null && grader.equal(answers[i], problem.finalAnswer())) correct++;
        }
        double score = (double) correct / graded;
        state = PromptFormat.nextState(state, turns, score > 0);
        steps++;
        done = score > 0 || steps >= horizon;
        double[] rewards = new double[roles.size()];
        rewards[rewards.length - 1] = score;
        Map<String, Object> info = new LinkedHashMap<>();
        info.put(PROBLEM, problem.problem());
        info.put(GOLD, problem.finalAnswer());
        info.put(ANSWERS, Collections.unmodifiableList(Arrays.asList(answers)));
        info.put(SCORE, score);
        info.put(CORRECT, score > 0);
        info.put(STEP, steps);
        return new StepResult(observations(), rewards, done, info);
    }

    /** The problem of the current episode (null before the first reset). */
    public Problem problem() {
        return problem;
    }

    /** The state text: the problem, then every step's turns and judge line (the episode's transcript). */
    public String state() {
        return state;
    }

    private List<String> observations() {
        return Collections.nCopies(roles.size(), state);
    }
}
