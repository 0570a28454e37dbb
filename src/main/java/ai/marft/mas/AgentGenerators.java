package ai.marft.mas;

import ai.marft.lm.TextGenerator;
import ai.marft.lm.Tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which generator (base model) each agent acts on, in acting order, and which one the critic reads
 * (Flex-MG heterogeneous agents, docs/flexmg.md). Agents on one generator share its batched calls;
 * each agent encodes its own prompt with its own generator's tokenizer, and a decision's critic prompt
 * is encoded with the critic's.
 */
public final class AgentGenerators {
    private final List<TextGenerator> perAgent;
    private final TextGenerator critic;

    /** @param critic the generator whose tokenizer the critic's prompts use */
    public AgentGenerators(List<? extends TextGenerator> perAgent, TextGenerator critic) {
        if (perAgent.isEmpty()) throw new IllegalArgumentException("no agents");
        this.perAgent = List.copyOf(perAgent);
        this.critic = critic;
    }

    /** Every agent (and the critic) on one generator: the single-base team. */
    public static AgentGenerators shared(TextGenerator g, int agents) {
        return new AgentGenerators(Collections.nCopies(agents, g), g);
    }

    public int size() {
        return perAgent.size();
    }

    public TextGenerator of(int agent) {
        return perAgent.get(agent);
    }

    public Tokenizer tokenizer(int agent) {
        return perAgent.get(agent).tokenizer();
    }

    public TextGenerator critic() {
        return critic;
    }

    /**
     * The given agents grouped by generator, groups in order of first appearance and agents in the
     * given order within a group: one batched call per group.
     */
    public List<int[]> groups(int[] agents) {
        List<TextGenerator> seen = new ArrayList<>();
        List<List<Integer>> groups = new ArrayList<>();
        for (int i : agents) {
            int g = indexOfIdentity(seen, perAgent.get(i));
            if (g < 0) {
                seen.add(perAgent.get(i));
                groups.add(new ArrayList<>());
                g = seen.size() - 1;
            }
            groups.get(g).add(i);
        }
        return groups.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toList();
    }

    /** Distinct generators, in order of first appearance over the agents. */
    public List<TextGenerator> distinct() {
        List<TextGenerator> out = new ArrayList<>();
        for (TextGenerator g : perAgent) if (indexOfIdentity(out, g) < 0) out.add(g);
        return out;
    }

    // generators are compared by identity: two engines over equal weights are still two bases
    private static int indexOfIdentity(List<TextGenerator> list, TextGenerator g) {
        for (int k = 0; k < list.size(); k++) if (list.get(k) == g) return k;
        return -1;
    }
}
