package ai.marft.mas;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DependencyGraphTest {
    private static Profile agent(String role, String... dependsOn) {
        return new Profile(role, "<" + role + ">", role.equals("d"), dependsOn.length == 1 && dependsOn[0] == null ? null : List.of(dependsOn), java.util.Map.of());
    }

    @Test
    void chainHasOneAgentPerLayer() {
        DependencyGraph g = DependencyGraph.chain(3);
        assertThat(g.layers()).containsExactly(new int[]{0}, new int[]{1}, new int[]{2});
        assertThat(g.dependsOn(2, 0)).isTrue();
        assertThat(g.dependsOn(2, 1)).isTrue();
        assertThat(g.dependsOn(1, 2)).isFalse();
        assertThat(g.dependsOn(0, 0)).isFalse();
        assertThat(g.maxLayerWidth()).isEqualTo(1);
    }

    @Test
    void diamondGroupsIndependentAgentsIntoOneLayer() {
        // a; b and c both see a; d sees b and c
        Team t = Team.of("test", List.of(agent("a"), agent("b", "a"), agent("c", "a"), agent("d", "c", "b")));
        assertThat(t.roles()).containsExactly("a", "b", "c", "d");
        assertThat(t.graph().layers()).containsExactly(new int[]{0}, new int[]{1, 2}, new int[]{3});
        assertThat(t.graph().dependencies(3)).containsExactly(1, 2);
        assertThat(t.graph().dependsOn(3, 0)).as("d does not see a directly").isFalse();
        assertThat(t.graph().dependsOn(2, 1)).as("c does not see b").isFalse();
        assertThat(t.graph().maxLayerWidth()).isEqualTo(2);
    }

    @Test
    void actingOrderIsLayerByLayerInFileOrder() {
        // file order: x (sees y), y (sees nothing), z (chain default: sees x and y), w (sees nothing)
        Team t = Team.of("test", List.of(agent("x", "y"), agent("y"), agent("z", (String) null), agent("w")));
        assertThat(t.roles()).containsExactly("y", "w", "x", "z");
        assertThat(t.graph().layers()).containsExactly(new int[]{0, 1}, new int[]{2}, new int[]{3});
        assertThat(t.graph().dependencies(2)).containsExactly(0);      // x sees y
        assertThat(t.graph().dependencies(3)).containsExactly(0, 2);   // z sees x and y, not w
    }

    @Test
    void layersCoverEveryAgentOnceAndRespectDependencies() {
        // a random DAG over 12 agents: each depends on a random subset of the earlier ones
        java.util.Random r = new java.util.Random(7);
        int n = 12;
        int[][] deps = new int[n][];
        for (int i = 0; i < n; i++) {
            List<Integer> d = new ArrayList<>();
            for (int j = 0; j < i; j++) if (r.nextInt(4) == 0) d.add(j);
            deps[i] = d.stream().mapToInt(Integer::intValue).toArray();
        }
        DependencyGraph g = new DependencyGraph(deps);
        int[] layerOf = new int[n];
        Arrays.fill(layerOf, -1);
        List<int[]> layers = g.layers();
        for (int l = 0; l < layers.size(); l++) for (int i : layers.get(l)) { assertThat(layerOf[i]).isEqualTo(-1); layerOf[i] = l; }
        for (int i = 0; i < n; i++) {
            assertThat(layerOf[i]).isNotNegative();
            for (int j : deps[i]) assertThat(layerOf[j]).isLessThan(layerOf[i]);
            // an agent sits in the earliest layer it can: right after its latest dependency
            int expected = Arrays.stream(deps[i]).map(j -> layerOf[j] + 1).max().orElse(0);
            assertThat(layerOf[i]).isEqualTo(expected);
        }
    }

    @Test
    void laterDependencyIsRejected() {
        assertThatThrownBy(() -> new DependencyGraph(new int[][]{{1}, {}})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void promptListsOnlyTheTurnsAnAgentDependsOn() {
        Team t = Team.of("test", List.of(agent("a"), agent("b", "a"), agent("c", "a"), agent("d", "c", "b")));
        List<String> actions = Arrays.asList("A1", "B1", "C1", null);
        String state = "<|im_start|>problem: P<|im_end|>\n";
        assertThat(t.prompt(0, state, actions)).isEqualTo("<a><|im_start|>problem: P<|im_end|>\n<|im_start|>a: ");
        assertThat(t.prompt(2, state, actions)).isEqualTo("<c><|im_start|>problem: P<|im_end|>\n<|im_start|>a: A1<|im_end|>\n<|im_start|>c: ");
        assertThat(t.prompt(3, state, actions)).isEqualTo(
                "<d><|im_start|>problem: P<|im_end|>\n<|im_start|>b: B1<|im_end|>\n<|im_start|>c: C1<|im_end|>\n<|im_start|>d: ");
    }
}
