package ai.marft.mas;

import ai.marft.env.Env;
import ai.marft.env.StepResult;
import ai.marft.env.VecEnv;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An environment that is not question/answer, written as the README describes, driven by the same Rollout. */
class CustomEnvTest {
    /** Each agent is shown its own target number and is rewarded for saying it; episodes last two steps. */
    static final class SayYourNumberEnv implements Env {
        private final int agents;
        private int steps, episode;

        SayYourNumberEnv(int agents) {
            this.agents = agents;
        }

        @Override
        public int numAgents() {
            return agents;
        }

        @Override
        public List<String> reset() {
            steps = 0;
            episode++;
            return observations();
        }

        @Override
        public StepResult step(List<String> actions) {
            double[] rewards = new double[agents];
            for (int i = 0; i < agents; i++) rewards[i] = actions.get(i).equals(target(i)) ? 1 : 0;
            steps++;
            return new StepResult(observations(), rewards, steps == 2, Map.of("episode", episode));
        }

        private String target(int i) {
            return Integer.toString(10 * episode + i);
        }

        private List<String> observations() {
            List<String> obs = new ArrayList<>();
            for (int i = 0; i < agents; i++) obs.add("say " + target(i) + "\n");
            return obs;
        }
    }

    @Test
    void perAgentObservationsAndRewardsFlowThroughTheRollout() {
        Team team = Team.of("test", List.of(new Profile("first", "", false), new Profile("second", "", false)));
        // "first" obeys; "second" repeats whatever "first" said (it sees first's turn in its prompt)
        FakeGenerator gen = new FakeGenerator((prompt, seed) -> FakeGenerator.roleOf(prompt).equals("first")
                ? prompt.substring(4, prompt.indexOf('\n'))
                : prompt.substring(prompt.indexOf("<|im_start|>first: ") + 19, prompt.indexOf("<|im_end|>")));
        VecEnv envs = new VecEnv(List.of(new SayYourNumberEnv(2)));
        envs.reset();
        RolloutBatch b = Rollout.run(new TeamPolicy(team, gen, TeamPolicy.roleAdapters(team), RolloutTest.PARAMS), envs, 3, 0);
        assertThat(b.action(0, 0, 0).observation()).isEqualTo("say 10\n");
        assertThat(b.action(0, 0, 1).observation()).isEqualTo("say 11\n");
        assertThat(b.action(0, 0, 1).actionText()).isEqualTo("10");
        assertThat(b.rewards()[0][0]).containsExactly(1.0, 0.0);
        assertThat(b.dones()).isDeepEqualTo(new boolean[][]{{false}, {true}, {false}});
        assertThat(b.action(2, 0, 0).actionText()).isEqualTo("20"); // second episode after the auto-reset
        assertThat(b.infos().get(2).getFirst()).containsEntry("episode", 2);
    }
}
