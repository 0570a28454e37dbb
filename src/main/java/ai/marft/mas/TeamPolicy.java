package ai.marft.mas;

import ai.marft.lm.Generation;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.TextGenerator;
import ai.marft.lm.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The team as one joint policy: given each environment's observations, the agents act layer by layer
 * of the dependency graph, each from its own prompt with its own adapter on its own base
 * ({@link AgentGenerators}). A layer is one batched generate call per base over all environments ×
 * the layer's agents on that base (rows ordered environment-major, then agent in acting order); a
 * single-base team makes exactly one call per layer. Actions travel between agents as text, so each
 * agent encodes its prompt with its own base's tokenizer.
 */
public final class TeamPolicy {
    private final Team team;
    private final AgentGenerators generators;
    private final List<String> adapters;
    private final SamplingParams params;
    private final int maxPromptTokens;

    /**
     * @param adapters adapter name per agent in acting order (null entries: the bare base model);
     *                 see {@link #roleAdapters(Team)} and {@link #baseModel(Team)}
     */
    public TeamPolicy(Team team, TextGenerator generator, List<String> adapters, SamplingParams params) {
        this(team, generator, adapters, params, Integer.MAX_VALUE);
    }

    /**
     * @param contextWindow prompt plus action tokens at most (the reference's {@code context_window}): a
     *                      longer prompt keeps its last {@code contextWindow - maxNewTokens} tokens, and the
     *                      critic and scorer read the same cut prompt
     */
    public TeamPolicy(Team team, TextGenerator generator, List<String> adapters, SamplingParams params, int contextWindow) {
        this(team, AgentGenerators.shared(generator, team.size()), adapters, params, contextWindow);
    }

    /** A team whose agents act on their own bases ({@code generators}, acting order). */
    public TeamPolicy(Team team, AgentGenerators generators, List<String> adapters, SamplingParams params, int contextWindow) {
        if (generators.size() != team.size()) throw new IllegalArgumentException(generators.size() + " generators for " + team.size() + " agents");
        if (contextWindow <= params.maxNewTokens())
            throw new IllegalArgumentException("context window " + contextWindow + " leaves no room for " + params.maxNewTokens() + " new tokens");
        this.maxPromptTokens = contextWindow == Integer.MAX_VALUE ? Integer.MAX_VALUE : contextWindow - params.maxNewTokens();
        if (adapters.size() != team.size()) throw new IllegalArgumentException(adapters.size() + " adapter names for " + team.size() + " agents");
        this.team = team;
        this.generators = generators;
        this.adapters = Collections.unmodifiableList(new ArrayList<>(adapters)); // null entries allowed
        this.params = params;
    }

    /** Each agent's adapter named after its role (how the trainer registers them). */
    public static List<String> roleAdapters(Team team) {
        return team.roles();
    }

    /** No adapter for any agent: every agent is the bare base model (evaluation without a checkpoint). */
    public static List<String> baseModel(Team team) {
        return Collections.nCopies(team.size(), null);
    }

    public Team team() {
        return team;
    }

    public SamplingParams params() {
        return params;
    }

    /** The base each agent acts on. */
    public AgentGenerators generators() {
        return generators;
    }

    /**
     * One joint step's actions. Layer l's call is seeded with {@code Seeds.mix(seed, l)}.
     *
     * @param observations [env][agent] observations, acting order
     * @return [env][agent] the recorded decisions; null where a router left the agent out
     */
    public AgentStep[][] act(List<List<String>> observations, long seed) {
        return actJoint(observations, seed).steps();
    }

    /**
     * One joint step with its routing: {@code steps} [env][agent] (null: absent), {@code routes} [env]
     * the agents the router called (null without a router), {@code fallbacks} [env] whether the router's
     * action was malformed and its default route was taken.
     */
    public record JointStep(AgentStep[][] steps, List<List<String>> routes, boolean[] fallbacks) {}

    /** As {@link #act}, with the routing of each environment (docs/flexmg.md). */
    public JointStep actJoint(List<List<String>> observations, long seed) {
        int envs = observations.size(), n = team.size(), router = team.router();
        AgentStep[][] out = new AgentStep[envs][n];
        boolean[][] absent = new boolean[envs][n];
        List<List<String>> routes = new ArrayList<>(Collections.nCopies(envs, (List<String>) null));
        boolean[] fallbacks = new boolean[envs];
        List<List<String>> actions = new ArrayList<>();
        for (List<String> o : observations) {
            if (o.size() != n) throw new IllegalArgumentException(o.size() + " observations for " + n + " agents");
            actions.add(Arrays.asList(new String[n]));
        }
        List<int[]> layers = team.graph().layers();
        for (int l = 0; l < layers.size(); l++) {
            List<int[]> groups = generators.groups(layers.get(l));
            for (int g = 0; g < groups.size(); g++) {
                // the first base keeps the single-base seed, so a one-base team samples as before
                long callSeed = g == 0 ? Seeds.mix(seed, l) : Seeds.mix(Seeds.mix(seed, l), g);
                actGroup(groups.get(g), observations, actions, absent, out, callSeed);
            }
            if (router >= 0 && Arrays.stream(layers.get(l)).anyMatch(i -> i == router))
                for (int e = 0; e < envs; e++) {
                    var parsed = Routes.parse(out[e][router].actionText(), team, router);
                    fallbacks[e] = parsed.isEmpty();
                    List<String> route = parsed.orElse(team.agent(router).defaultRoute());
                    routes.set(e, route);
                    for (int i = 0; i < n; i++) absent[e][i] = team.routable(i) && !route.contains(team.agent(i).role());
                }
        }
        return new JointStep(out, routes, fallbacks);
    }

    /** One batched call: the given agents (all on one base) in every environment where they act; no call when none does. */
    private void actGroup(int[] agents, List<List<String>> observations, List<List<String>> actions, boolean[][] absent, AgentStep[][] out,
                          long seed) {
        int envs = observations.size();
        TextGenerator generator = generators.of(agents[0]);
        Tokenizer tok = generator.tokenizer(), criticTok = generators.critic().tokenizer();
        List<int[]> prompts = new ArrayList<>(), rows = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> rowAdapters = new ArrayList<>();
        for (int e = 0; e < envs; e++)
            for (int i : agents) {
                if (absent[e][i]) continue;
                String text = team.prompt(i, observations.get(e).get(i), actions.get(e), absent[e]);
                texts.add(text);
                prompts.add(cut(tok.encodePrompt(text)));
                rowAdapters.add(adapters.get(i));
                rows.add(new int[] {e, i});
            }
        if (prompts.isEmpty()) return;
        List<Generation> gens = generator.generate(prompts, rowAdapters, params, seed);
        if (gens.size() != prompts.size()) throw new IllegalStateException("generator returned " + gens.size() + " rows for " + prompts.size());
        for (int row = 0; row < rows.size(); row++) {
            int e = rows.get(row)[0], i = rows.get(row)[1];
            int[] criticPrompt = criticTok == tok ? prompts.get(row) : cut(criticTok.encodePrompt(texts.get(row)));
            AgentStep s = record(tok, observations.get(e).get(i), prompts.get(row), criticPrompt, gens.get(row));
            out[e][i] = s;
            actions.get(e).set(i, s.actionText());
        }
    }

    /** The first agent's prompt ids (critic's tokenizer) for an observation: what the critic reads to bootstrap V_{T+1,1}. */
    public int[] firstAgentPrompt(List<String> observations) {
        return cut(generators.critic().tokenizer().encodePrompt(team.prompt(0, observations.getFirst(), Arrays.asList(new String[team.size()]))));
    }

    /** The prompt's last {@code maxPromptTokens} tokens (left truncation, as the reference's context window). */
    private int[] cut(int[] prompt) {
        return prompt.length <= maxPromptTokens ? prompt : Arrays.copyOfRange(prompt, prompt.length - maxPromptTokens, prompt.length);
    }

    private static AgentStep record(Tokenizer tok, String observation, int[] prompt, int[] criticPrompt, Generation g) {
        int[] tokens = g.tokens();
        if (g.logprobs().length != tokens.length) throw new IllegalStateException(tokens.length + " tokens but " + g.logprobs().length + " log-probs");
        if (g.endedWithEos() && tokens.length == 0) throw new IllegalStateException("generation marked ended-with-EOS has no tokens");
        // the stop token is the last one; an engine may stop on several ids (e.g. <|im_end|> and <|endoftext|>)
        String text = tok.decodeAction(Arrays.copyOf(tokens, g.endedWithEos() ? tokens.length - 1 : tokens.length));
        return new AgentStep(observation, prompt, tokens.clone(), text, g.logprobs().clone(), g.endedWithEos(), criticPrompt,
                g.unfilteredLogprobs() == null ? null : g.unfilteredLogprobs().clone());
    }
}
