package ai.marft.pretrain;

import ai.marft.env.arith.Arith;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.env.arith.ArithGrader;

import ai.marft.InputError;
import ai.marft.env.Problem;
import ai.marft.env.PromptFormat;
import ai.marft.env.PromptFormat.Turn;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class ArithTeacherTest {
    static final List<ArithAgent> DUAL = ArithAgent.readProfiles(Path.of("configs/arith_dual.json"));
    static final List<ArithAgent> SOLO = ArithAgent.readProfiles(Path.of("configs/arith_solo.json"));
    private static final Problem P = new Problem("What is 7 + 3 * 8 - 5?", "26");
    private final ArithGrader grader = new ArithGrader();

    private static ArithTeacher dual(double planner, double solver, double fix, int horizon) {
        return new ArithTeacher(DUAL, Map.of("planner", planner, "solver", solver), fix, horizon);
    }

    @Test
    void rightEpisodeIsExactlyTheRolloutFormat() {
        Episode ep = dual(1, 1, 0, 3).episode(P, new Random(1));
        String plan = "3 * 8 = 24, so 7 + 24 - 5";
        String solution = "7 + 24 = 31, 31 - 5 = 26, \\boxed{26}";
        String state = PromptFormat.initialState(P.problem());
        assertThat(ep.solved()).isTrue();
        assertThat(ep.steps()).isEqualTo(1);
        assertThat(ep.turns()).hasSize(2);
        Transcript p = ep.turns().get(0), s = ep.turns().get(1);
        assertThat(p.text()).isEqualTo(PromptFormat.agentPrompt(DUAL.get(0).prompt(), state, List.of(), "planner") + plan + "<|im_end|>");
        assertThat(s.text()).isEqualTo(PromptFormat.agentPrompt(DUAL.get(1).prompt(), state, List.of(new Turn("planner", plan)), "solver")
                + solution + "<|im_end|>");
        assertThat(p.target()).isEqualTo(plan + "<|im_end|>");
        assertThat(p.right() && s.right()).isTrue();
        assertThat(p.mistake()).isNull();
        // the literal strings, so a change in PromptFormat cannot go unnoticed here
        assertThat(s.text()).isEqualTo("<|im_start|>system: You are the solver. Add up the plan left to right, fix it if wrong, end with \\boxed{answer}.<|im_end|>\n"
                + "<|im_start|>problem: What is 7 + 3 * 8 - 5?<|im_end|>\n"
                + "<|im_start|>planner: 3 * 8 = 24, so 7 + 24 - 5<|im_end|>\n"
                + "<|im_start|>solver: 7 + 24 = 31, 31 - 5 = 26, \\boxed{26}<|im_end|>");
    }

    @Test
    void laterStepsCarryTheStateAndJudgeLinesUpToTheHorizon() {
        Episode ep = dual(0, 1, 0, 3).episode(P, new Random(4));
        assertThat(ep.solved()).isFalse();
        assertThat(ep.steps()).isEqualTo(3);
        assertThat(ep.turns()).hasSize(6);
        String state = PromptFormat.initialState(P.problem());
        for (int step = 1; step <= 3; step++) {
            Transcript p = ep.turns().get(2 * step - 2), s = ep.turns().get(2 * step - 1);
            assertThat(p.step()).isEqualTo(step);
            assertThat(p.prompt()).isEqualTo(PromptFormat.agentPrompt(DUAL.get(0).prompt(), state, List.of(), "planner"));
            assertThat(s.prompt()).isEqualTo(PromptFormat.agentPrompt(DUAL.get(1).prompt(), state, List.of(new Turn("planner", p.action())), "solver"));
            assertThat(s.mistake()).isEqualTo(Mistake.FOLLOWED_WRONG_PLAN);
            state = PromptFormat.nextState(state, List.of(new Turn("planner", p.action()), new Turn("solver", s.action())), false);
        }
        assertThat(ep.turns().getLast().prompt()).contains("judge: The answer is incorrect.\n").doesNotContain("is correct");
    }

    @Test
    void episodeStopsAtTheFirstCorrectStep() {
        ArithTeacher t = dual(0.5, 0.5, 0.2, 4);
        for (Episode ep : t.episodes(new ArithGenerator(3).generate(300), 9)) {
            for (int i = 0; i < ep.turns().size(); i += 2) {
                boolean correct = grader.equal(grader.extract(ep.turns().get(i + 1).action()), ep.problem().finalAnswer());
                boolean last = i + 2 == ep.turns().size();
                assertThat(correct).isEqualTo(last && ep.solved());
            }
            assertThat(ep.turns()).hasSize(2 * ep.steps());
            if (!ep.solved()) assertThat(ep.steps()).isEqualTo(4);
        }
    }

    @Test
    void wrongPlansAreExactlyTheHandListedMistakes() {
        Set<String> expected = new HashSet<>();
        for (int x : new int[] {14, 22, 23, 25, 26, 34, 21, 27, 16, 32}) expected.add("3 * 8 = " + x + ", so 7 + " + x + " - 5"); // slips ±1 ±2 ±10 ±3 ±8
        expected.add("7 + 3 = 10, 10 * 8 = 80, so 80 - 5"); // left to right
        expected.add("3 * 8 = 24, so 7 - 24 - 5");
        expected.add("3 * 8 = 24, so 7 + 24 + 5");
        Set<String> seen = new HashSet<>();
        ArithTeacher t = dual(0, 1, 0, 1);
        for (int seed = 0; seed < 600; seed++) seen.add(t.episode(P, new Random(seed)).turns().getFirst().action());
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void wrongSolutionsAreExactlyTheHandListedMistakes() {
        Set<String> expected = new HashSet<>();
        for (int d : new int[] {-10, -2, -1, 1, 2, 10}) {
            expected.add("7 + 24 = " + (31 + d) + ", " + (31 + d) + " - 5 = " + (26 + d) + ", \\boxed{" + (26 + d) + "}");
            expected.add("7 + 24 = 31, 31 - 5 = " + (26 + d) + ", \\boxed{" + (26 + d) + "}");
        }
        expected.add("7 + 24 = 31, \\boxed{31}"); // stops early; right to left gives 26 here, so it is not a mistake
        Set<String> seen = new HashSet<>();
        ArithTeacher t = dual(1, 0, 0, 1);
        for (int seed = 0; seed < 600; seed++) seen.add(t.episode(P, new Random(seed)).turns().get(1).action());
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void rightToLeftAppearsWhereItChangesTheAnswer() {
        Problem q = new Problem("What is 9 - 2 * 2 + 3?", "8"); // 9 - 4 + 3: right to left gives 9 - 7 = 2
        Set<String> seen = new HashSet<>();
        ArithTeacher t = dual(1, 0, 0, 1);
        for (int seed = 0; seed < 300; seed++) seen.add(t.episode(q, new Random(seed)).turns().get(1).action());
        assertThat(seen).contains("4 + 3 = 7, 9 - 7 = 2, \\boxed{2}");
    }

    @Test
    void turnRatesMatchTheProbabilitiesAndRightTurnsAreRight() {
        double pPlan = 0.6, pSolve = 0.7, fix = 0.25;
        List<Problem> problems = new ArithGenerator(21).generate(4000);
        int plans = 0, plansRight = 0, afterRight = 0, solvedAfterRight = 0, afterWrong = 0, fixed = 0;
        Map<String, Integer> planKinds = new java.util.HashMap<>();
        for (Episode ep : dual(pPlan, pSolve, fix, 1).episodes(problems, 5)) {
            long gold = Long.parseLong(ep.problem().finalAnswer());
            Transcript p = ep.turns().get(0), s = ep.turns().get(1);
            Arith.PlanText plan = Arith.plan(p.action());
            boolean stepsTrue = plan.steps().stream().allMatch(Arith.Step::isTrue);
            boolean planRight = stepsTrue && Arith.eval(plan.chain()) == gold;
            assertThat(p.right()).as(p.action()).isEqualTo(planRight);
            plans++;
            Arith.SolutionText sol = Arith.solution(s.action());
            boolean solved = sol.answer() == gold;
            assertThat(s.right()).isEqualTo(solved);
            if (planRight) {
                plansRight++;
                afterRight++;
                if (solved) {
                    solvedAfterRight++;
                    assertThat(sol.steps()).allMatch(Arith.Step::isTrue);
                    assertThat(sol.steps()).allMatch(st -> st.op() != '*'); // carries out the plan, no products
                }
            } else {
                afterWrong++;
                if (!stepsTrue) planKinds.merge("slip", 1, Integer::sum);
                else if (plan.steps().stream().anyMatch(st -> st.op() != '*')) planKinds.merge("order", 1, Integer::sum);
                else planKinds.merge("sign", 1, Integer::sum);
                assertThat(sol.steps()).allMatch(Arith.Step::isTrue);
                if (solved) {
                    fixed++;
                    assertThat(sol.steps().getFirst().op()).isEqualTo('*'); // a correction redoes the products
                } else {
                    assertThat(sol.answer()).isEqualTo(Arith.eval(plan.chain())); // followed the wrong plan
                }
            }
        }
        // 5 binomial standard deviations
        assertThat(plansRight / (double) plans).isCloseTo(pPlan, offset(5 * Math.sqrt(pPlan * (1 - pPlan) / plans)));
        assertThat(solvedAfterRight / (double) afterRight).isCloseTo(pSolve, offset(5 * Math.sqrt(pSolve * (1 - pSolve) / afterRight)));
        assertThat(fixed / (double) afterWrong).isCloseTo(fix, offset(5 * Math.sqrt(fix * (1 - fix) / afterWrong)));
        assertThat(planKinds.keySet()).containsExactlyInAnyOrder("slip", "order", "sign");
        // uniform among applicable kinds; left to right changes nothing when the only * comes first (a third of problems)
        for (int count : planKinds.values()) assertThat(count / (double) afterWrong).isGreaterThan(0.15);
    }

    @Test
    void soloRightTurnsAreFullSolutionsAtTheirRate() {
        double p = 0.45;
        List<Problem> problems = new ArithGenerator(22).generate(3000);
        int right = 0;
        Set<Mistake> kinds = new HashSet<>();
        for (Episode ep : new ArithTeacher(SOLO, Map.of("solver", p), 0, 1).episodes(problems, 6)) {
            Transcript t = ep.turns().getFirst();
            Arith.SolutionText sol = Arith.solution(t.action());
            long gold = Long.parseLong(ep.problem().finalAnswer());
            assertThat(t.prompt()).isEqualTo(PromptFormat.agentPrompt(SOLO.getFirst().prompt(), PromptFormat.initialState(ep.problem().problem()), List.of(), "solver"));
            if (sol.answer() == gold) {
                right++;
                assertThat(sol.steps()).allMatch(Arith.Step::isTrue);
                assertThat(sol.steps().getFirst().op()).isEqualTo('*');
            } else {
                kinds.add(t.mistake());
            }
            assertThat(t.right()).isEqualTo(sol.answer() == gold);
        }
        assertThat(right / 3000.0).isCloseTo(p, offset(5 * Math.sqrt(p * (1 - p) / 3000)));
        assertThat(kinds).containsExactlyInAnyOrder(Mistake.PRODUCT_SLIP, Mistake.WRONG_ORDER, Mistake.SIGN_FLIP,
                Mistake.CHAIN_SLIP, Mistake.RIGHT_TO_LEFT, Mistake.STOP_EARLY);
    }

    @Test
    void withoutSlipsEveryWrongTurnIsAWrongProcedureWithExactArithmetic() {
        List<Problem> problems = new ArithGenerator(23).generate(3000);
        java.util.regex.Pattern step = java.util.regex.Pattern.compile("(-?\\d+) ([-+*]) (-?\\d+) = (-?\\d+)");
        Set<Mistake> kinds = new HashSet<>();
        List<Episode> episodes = new java.util.ArrayList<>(new ArithTeacher(DUAL, Map.of("planner", 0.3, "solver", 0.3), 0.2, 1, false).episodes(problems, 7));
        episodes.addAll(new ArithTeacher(SOLO, Map.of("solver", 0.3), 0, 1, false).episodes(problems, 8));
        int steps = 0;
        for (Episode ep : episodes)
            for (Transcript t : ep.turns()) {
                if (t.mistake() != null) kinds.add(t.mistake());
                java.util.regex.Matcher m = step.matcher(t.action());
                while (m.find()) {
                    long a = Long.parseLong(m.group(1)), b = Long.parseLong(m.group(3)), c = Long.parseLong(m.group(4));
                    long v = switch (m.group(2)) { case "+" -> a + b; case "-" -> a - b; default -> a * b; };
                    assertThat(c).as("%s in %s", m.group(), t.action()).isEqualTo(v);
                    steps++;
                }
            }
        assertThat(steps).isGreaterThan(10_000);
        assertThat(kinds).containsExactlyInAnyOrder(Mistake.WRONG_ORDER, Mistake.SIGN_FLIP, Mistake.RIGHT_TO_LEFT,
                Mistake.STOP_EARLY, Mistake.FOLLOWED_WRONG_PLAN);
    }

    @Test
    void sameSeedSameEpisodes() {
        List<Problem> problems = new ArithGenerator(2).generate(50);
        assertThat(dual(0.5, 0.5, 0.3, 3).episodes(problems, 1)).isEqualTo(dual(0.5, 0.5, 0.3, 3).episodes(problems, 1));
        assertThat(dual(0.5, 0.5, 0.3, 3).episodes(problems, 1)).isNotEqualTo(dual(0.5, 0.5, 0.3, 3).episodes(problems, 2));
    }

    @Test
    void badTeamsAndRatesAreInputErrors() {
        assertThatThrownBy(() -> new ArithTeacher(List.of(DUAL.get(1), DUAL.get(0)), Map.of("planner", 1.0, "solver", 1.0), 0, 1))
                .isInstanceOf(InputError.class).hasMessageContaining("planner");
        assertThatThrownBy(() -> new ArithTeacher(DUAL, Map.of("planner", 1.0), 0, 1))
                .isInstanceOf(InputError.class).hasMessageContaining("'solver'");
        assertThatThrownBy(() -> dual(1.5, 1, 0, 1)).isInstanceOf(InputError.class).hasMessageContaining("1.5");
        assertThatThrownBy(() -> dual(1, 1, 0, 0)).isInstanceOf(InputError.class).hasMessageContaining("horizon");
        assertThatThrownBy(() -> dual(1, 1, 0, 1).episode(new Problem("What is 2 * 3 + 1?", "8"), new Random(0)))
                .isInstanceOf(InputError.class).hasMessageContaining("final_answer 8");
    }
}
