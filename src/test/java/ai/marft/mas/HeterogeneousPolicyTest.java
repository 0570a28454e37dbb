package ai.marft.mas;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** TeamPolicy over agents on two bases with different tokenizers: one batched call per base per layer, actions travel as text. */
class HeterogeneousPolicyTest {
    @Test
    void aLayerOnTwoBasesIsOneCallPerBaseAndEachAgentEncodesItsOwnPrompt() {
        Team team = RolloutTest.diamond(); // a; b, c see a; d sees b, c
        CharTokenizer tokA = new CharTokenizer(), tokB = new CharTokenizer(1000);
        FakeGenerator baseA = new FakeGenerator(RolloutTest.ECHO, tokA), baseB = new FakeGenerator(RolloutTest.ECHO, tokB);
        // c acts on base B, everyone else (and the critic) on base A
        AgentGenerators gens = new AgentGenerators(List.of(baseA, baseA, baseB, baseA), baseA);
        TeamPolicy policy = new TeamPolicy(team, gens, TeamPolicy.roleAdapters(team), RolloutTest.PARAMS, Integer.MAX_VALUE);
        RolloutBatch b = Rollout.run(policy, RolloutTest.envs(team, 3, 3), 2, 99);

        assertThat(baseA.calls).hasSize(2 * 3); // per step: layers {a}, {b}, {d}
        assertThat(baseB.calls).hasSize(2);     // per step: layer {c}'s share
        for (int t = 0; t < 2; t++) {
            long step = Seeds.mix(99, t);
            assertThat(baseA.calls.get(3 * t + 1).adapters()).containsExactly("b", "b", "b");
            assertThat(baseB.calls.get(t).adapters()).containsExactly("c", "c", "c");
            // base A keeps the single-base seed of layer 1, base B's share gets one derived from it
            assertThat(baseA.calls.get(3 * t + 1).seed()).isEqualTo(Seeds.mix(step, 1));
            assertThat(baseB.calls.get(t).seed()).isEqualTo(Seeds.mix(Seeds.mix(step, 1), 1));
        }
        // env 2, step 0: c (base B) read a's action (base A) as text, and d read c's
        String a2 = b.action(0, 2, 0).actionText(), c2 = b.action(0, 2, 2).actionText();
        assertThat(c2).startsWith("c(3+3)#");
        String cPrompt = baseB.calls.getFirst().prompts().get(2);
        assertThat(cPrompt).contains("<|im_start|>a: " + a2 + "<|im_end|>");
        assertThat(baseA.calls.get(2).prompts().get(2)).contains("<|im_start|>c: " + c2 + "<|im_end|>");
        // c's ids are its own base's; the critic's copy of its prompt is in base A's vocabulary
        AgentStep c = b.action(0, 2, 2);
        assertThat(c.promptTokens()).isEqualTo(tokB.encodePrompt(cPrompt));
        assertThat(c.criticPromptTokens()).isEqualTo(tokA.encodePrompt(cPrompt));
        assertThat(c.promptTokens()).isNotEqualTo(c.criticPromptTokens());
        AgentStep d = b.action(0, 2, 3);
        assertThat(d.criticPromptTokens()).isSameAs(d.promptTokens()); // same base as the critic: nothing re-encoded
    }

    @Test
    void aSingleBaseTeamActsExactlyAsBefore() {
        Team team = RolloutTest.diamond();
        FakeGenerator shared = new FakeGenerator(RolloutTest.ECHO), old = new FakeGenerator(RolloutTest.ECHO);
        RolloutBatch viaGroups = Rollout.run(new TeamPolicy(team, AgentGenerators.shared(shared, 4), TeamPolicy.roleAdapters(team),
                RolloutTest.PARAMS, Integer.MAX_VALUE), RolloutTest.envs(team, 2, 3), 2, 5);
        RolloutBatch plain = Rollout.run(new TeamPolicy(team, old, TeamPolicy.roleAdapters(team), RolloutTest.PARAMS), RolloutTest.envs(team, 2, 3), 2, 5);
        assertThat(shared.calls).isEqualTo(old.calls);
        for (int e = 0; e < 2; e++)
            for (int i = 0; i < 4; i++) assertThat(viaGroups.action(1, e, i).actionText()).isEqualTo(plain.action(1, e, i).actionText());
    }

    @Test
    void groupsFollowFirstAppearance() {
        FakeGenerator x = new FakeGenerator(RolloutTest.ECHO), y = new FakeGenerator(RolloutTest.ECHO);
        AgentGenerators g = new AgentGenerators(List.of(y, x, y, x), x);
        assertThat(g.groups(new int[] {0, 1, 2, 3})).containsExactly(new int[] {0, 2}, new int[] {1, 3});
        assertThat(g.distinct()).containsExactly(y, x);
    }
}
