package ai.marft.mas;

import ai.marft.InputError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The Flex-MG dependency function D(i, j) over a team's agents, indexed in acting order: agent i
 * sees agent j's action of the same step iff {@code dependsOn(i, j)}, which implies j < i. Agents
 * are grouped into layers: a layer's agents depend only on agents of earlier layers, so each layer
 * acts in one batched generate call.
 */
public final class DependencyGraph {
    private final int[][] dependencies;
    private final List<int[]> layers;

    /** @param dependencies for each agent (acting order), the agents it depends on; each must be earlier */
    public DependencyGraph(int[][] dependencies) {
        int n = dependencies.length;
        this.dependencies = new int[n][];
        int[] layerOf = new int[n];
        int layerCount = 0;
        for (int i = 0; i < n; i++) {
            int[] d = dependencies[i].clone();
            Arrays.sort(d);
            for (int k = 0; k < d.length; k++) {
                if (d[k] < 0 || d[k] >= i) throw new IllegalArgumentException("agent " + i + " may only depend on earlier agents, got " + d[k]);
                if (k > 0 && d[k] == d[k - 1]) throw new IllegalArgumentException("agent " + i + " lists agent " + d[k] + " twice");
                layerOf[i] = Math.max(layerOf[i], layerOf[d[k]] + 1);
            }
            this.dependencies[i] = d;
            layerCount = Math.max(layerCount, layerOf[i] + 1);
        }
        List<int[]> ls = new ArrayList<>();
        for (int l = 0; l < layerCount; l++) {
            final int layer = l;
            ls.add(IntStream.range(0, n).filter(i -> layerOf[i] == layer).toArray());
        }
        this.layers = List.copyOf(ls);
    }

    /** The reference's chain: every agent depends on all earlier ones (one agent per layer). */
    public static DependencyGraph chain(int n) {
        int[][] d = new int[n][];
        for (int i = 0; i < n; i++) d[i] = IntStream.range(0, i).toArray();
        return new DependencyGraph(d);
    }

    public int size() {
        return dependencies.length;
    }

    /** D(i, j): whether agent i sees agent j's action of the same step. */
    public boolean dependsOn(int i, int j) {
        return Arrays.binarySearch(dependencies[i], j) >= 0;
    }

    /** The agents agent i depends on, ascending (= acting order). */
    public int[] dependencies(int i) {
        return dependencies[i].clone();
    }

    /** Groups of agents acting together, in order; each group ascending. Their concatenation is 0..n-1. */
    public List<int[]> layers() {
        return layers.stream().map(int[]::clone).toList();
    }

    /** The widest layer: the most agents that act in one call per environment. */
    public int maxLayerWidth() {
        return layers.stream().mapToInt(l -> l.length).max().orElse(0);
    }

    /** Agents in file order resolved into acting order (layer by layer, file order within a layer). */
    record Ordered(List<Profile> agents, DependencyGraph graph) {}

    /**
     * Resolves each profile's {@code depends_on} (null: every earlier agent in the file), rejects
     * unknown roles, self-dependencies and cycles, and orders the agents layer by layer.
     */
    static Ordered resolve(String source, List<Profile> fileOrder) {
        int n = fileOrder.size();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Integer prev = index.put(fileOrder.get(i).role(), i);
            if (prev != null) throw new InputError("profiles " + source + ": agent " + i + ": field 'role': \"" + fileOrder.get(i).role()
                    + "\" is already the role of agent " + prev + " (roles name adapters, they must be unique)");
        }
        int[][] deps = new int[n][];
        for (int i = 0; i < n; i++) {
            List<String> names = fileOrder.get(i).dependsOn();
            if (names == null) { deps[i] = IntStream.range(0, i).toArray(); continue; }
            deps[i] = new int[names.size()];
            for (int k = 0; k < names.size(); k++) {
                Integer j = index.get(names.get(k));
                String where = "profiles " + source + ": agent " + i + ": field 'depends_on': ";
                if (j == null) throw new InputError(where + "unknown role \"" + names.get(k) + "\"");
                if (j == i) throw new InputError(where + "an agent cannot depend on itself");
                if (names.subList(0, k).contains(names.get(k))) throw new InputError(where + "\"" + names.get(k) + "\" is listed twice");
                deps[i][k] = j;
            }
        }
        int[] depth = depths(source, fileOrder, deps);
        int layers = Arrays.stream(depth).max().orElse(0) + 1;
        int[] actingOf = new int[n]; // file index -> acting index
        List<Profile> acting = new ArrayList<>();
        for (int l = 0; l < layers; l++)
            for (int i = 0; i < n; i++) if (depth[i] == l) { actingOf[i] = acting.size(); acting.add(fileOrder.get(i)); }
        int[][] actingDeps = new int[n][];
        for (int i = 0; i < n; i++) actingDeps[actingOf[i]] = Arrays.stream(deps[i]).map(j -> actingOf[j]).toArray();
        return new Ordered(List.copyOf(acting), new DependencyGraph(actingDeps));
    }

    /** Longest dependency path below each agent (its layer); a cycle is an InputError naming it. */
    private static int[] depths(String source, List<Profile> agents, int[][] deps) {
        int n = deps.length;
        int[] depth = new int[n];
        int[] state = new int[n]; // 0 unvisited, 1 on the current path, 2 done
        for (int i = 0; i < n; i++) visit(i, deps, depth, state, new ArrayList<>(), source, agents);
        return depth;
    }

    private static void visit(int i, int[][] deps, int[] depth, int[] state, List<Integer> path, String source, List<Profile> agents) {
        if (state[i] == 2) return;
        if (state[i] == 1) {
            List<Integer> cycle = new ArrayList<>(path.subList(path.indexOf(i), path.size()));
            cycle.add(i);
            throw new InputError("profiles " + source + ": agent " + cycle.get(0) + ": field 'depends_on' forms a cycle: "
                    + String.join(" -> ", cycle.stream().map(k -> agents.get(k).role()).toList()));
        }
        state[i] = 1;
        path.add(i);
        for (int j : deps[i]) {
            visit(j, deps, depth, state, path, source, agents);
            depth[i] = Math.max(depth[i], depth[j] + 1);
        }
        path.removeLast();
        state[i] = 2;
    }
}
