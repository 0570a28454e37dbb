package ai.marft.pretrain;

import ai.marft.env.arith.ArithExpression;
import ai.marft.env.arith.ArithGrader;

import ai.marft.env.Problem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What a model that learned the teacher exactly would score at the first step when sampled at
 * temperature T, to choose the teacher's rates for a target accuracy before RL. Sampling at T < 1
 * sharpens every decision (p^(1/T), renormalised), so such a model is right far more often than the
 * teacher at T = 0.5 (README: noise model). Each agent's output distribution in a context is
 * estimated from teacher draws and arranged as a character trie; the temperature is applied at each
 * character, which stands in for each token (this task's tokens branch where characters do: digits,
 * operators, signs, the end of the turn).
 */
public final class TeacherOdds {
    private TeacherOdds() {}

    /**
     * @param team              first-step accuracy of the team
     * @param planRight         probability of a right plan (NaN for a solo team)
     * @param answerAfterRight  probability of a right answer after a right plan (solo: of a right answer)
     * @param fixAfterWrong     probability that the solver corrects a wrong plan (NaN for a solo team)
     */
    public record Estimate(double team, double planRight, double answerAfterRight, double fixAfterWrong) {}

    /** Averages over {@code problems}, with {@code samples} teacher draws per distribution. */
    public static Estimate estimate(ArithTeacher teacher, List<Problem> problems, double temperature, int samples, long seed) {
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        Random rng = new Random(seed);
        ArithGrader grader = new ArithGrader();
        double team = 0, planRight = 0, afterRight = 0, wrongMass = 0, fixedMass = 0;
        for (Problem p : problems) {
            ArithExpression e = ArithExpression.parse(p.problem());
            Map<String, ArithTeacher.Draw> plans = new HashMap<>();
            Map<String, Integer> planCounts = new HashMap<>();
            if (teacher.isSolo()) {
                plans.put("", null);
                planCounts.put("", 1);
            } else {
                for (int i = 0; i < samples; i++) {
                    ArithTeacher.Draw d = teacher.drawPlan(e, rng);
                    plans.putIfAbsent(d.action(), d);
                    planCounts.merge(d.action(), 1, Integer::sum);
                }
            }
            for (Map.Entry<String, Double> plan : tempered(planCounts, temperature).entrySet()) {
                ArithTeacher.Draw draw = plans.get(plan.getKey());
                Map<String, Integer> answers = new HashMap<>();
                for (int i = 0; i < samples; i++) answers.merge(teacher.drawAnswer(e, draw, rng).action(), 1, Integer::sum);
                double correct = 0;
                for (Map.Entry<String, Double> a : tempered(answers, temperature).entrySet())
                    if (grader.equal(grader.extract(a.getKey()), p.finalAnswer())) correct += a.getValue();
                double w = plan.getValue();
                team += w * correct;
                if (draw == null || draw.right()) {
                    planRight += w;
                    afterRight += w * correct;
                } else {
                    wrongMass += w;
                    fixedMass += w * correct;
                }
            }
        }
        int n = problems.size();
        return teacher.isSolo()
                ? new Estimate(team / n, Double.NaN, team / n, Double.NaN)
                : new Estimate(team / n, planRight / n, afterRight / planRight, wrongMass > 0 ? fixedMass / wrongMass : Double.NaN);
    }

    /** Probability of each text when it is sampled one character at a time at temperature T from the counts' distribution. */
    static Map<String, Double> tempered(Map<String, Integer> counts, double temperature) {
        List<String> texts = new ArrayList<>(counts.keySet());
        texts.sort(null);
        Map<String, Double> out = new HashMap<>();
        descend(texts, counts, 0, texts.size(), 0, 1.0, 1 / temperature, out);
        return out;
    }

    /** texts[from, to) share their first {@code depth} characters; splits them by the next one (or the end). */
    private static void descend(List<String> texts, Map<String, Integer> counts, int from, int to, int depth, double prob,
                                double power, Map<String, Double> out) {
        List<int[]> groups = new ArrayList<>(); // [from, to) ranges; a text that ends here sorts first and is alone
        for (int i = from; i < to; ) {
            int j = i + 1;
            if (texts.get(i).length() > depth) {
                char c = texts.get(i).charAt(depth);
                while (j < to && texts.get(j).length() > depth && texts.get(j).charAt(depth) == c) j++;
            }
            groups.add(new int[] {i, j});
            i = j;
        }
        double[] weight = new double[groups.size()];
        double z = 0;
        for (int g = 0; g < groups.size(); g++) {
            long mass = 0;
            for (int i = groups.get(g)[0]; i < groups.get(g)[1]; i++) mass += counts.get(texts.get(i));
            weight[g] = Math.pow(mass, power);
            z += weight[g];
        }
        for (int g = 0; g < groups.size(); g++) {
            int[] r = groups.get(g);
            double p = prob * weight[g] / z;
            if (texts.get(r[0]).length() == depth) out.put(texts.get(r[0]), p);
            else descend(texts, counts, r[0], r[1], depth + 1, p, power, out);
        }
    }
}
