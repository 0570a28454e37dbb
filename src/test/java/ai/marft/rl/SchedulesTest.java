package ai.marft.rl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Learning-rate decay and agent-by-agent selection. */
class SchedulesTest {
    @Test
    void linearScheduleGoesFromStartToEndThenStays() {
        LinearSchedule s = new LinearSchedule(1e-3, 1e-4, 4);
        // step 9e-4 / 4 = 2.25e-4 per update
        assertThat(s.at(0)).isCloseTo(1e-3, within(1e-15));
        assertThat(s.at(1)).isCloseTo(7.75e-4, within(1e-15));
        assertThat(s.at(2)).isCloseTo(5.5e-4, within(1e-15));
        assertThat(s.at(4)).isCloseTo(1e-4, within(1e-15));
        assertThat(s.at(100)).isCloseTo(1e-4, within(1e-15));
        assertThat(LinearSchedule.constant(0.5).at(7)).isEqualTo(0.5);
        assertThatThrownBy(() -> new LinearSchedule(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void agentByAgentPicksFloorOfStepOverIntervalModuloAgents() {
        AgentSchedule s = new AgentSchedule(3, 2);
        // steps 0,1 -> agent 0; 2,3 -> 1; 4,5 -> 2; 6 -> 0 again
        int[] expected = {0, 0, 1, 1, 2, 2, 0, 0, 1};
        for (int step = 0; step < expected.length; step++) {
            assertThat(s.trainedAgents(step)).as("step %d", step).containsExactly(expected[step]);
            for (int i = 0; i < 3; i++) assertThat(s.trains(i, step)).isEqualTo(i == expected[step]);
        }
        assertThat(new AgentSchedule(3, 0).trainedAgents(5)).containsExactly(0, 1, 2);
        assertThat(new AgentSchedule(2, 1000).trainedAgents(1999)).containsExactly(1);
        assertThat(new AgentSchedule(2, 1000).trainedAgents(2000)).containsExactly(0);
    }
}
