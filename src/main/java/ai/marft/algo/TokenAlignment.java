package ai.marft.algo;

import ai.marft.lm.Tokenizer;
import ai.marft.mas.AgentStep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where MARFT-T's critic reads the state before each action token of an agent whose tokenizer is
 * not the critic's. The critic's base runs over the critic prompt + the action TEXT encoded with the
 * critic's tokenizer, and agent token j gets the critic's hidden state after the longest run of
 * critic tokens that lies inside the text the agent had produced before token j: after the last
 * critic token whose end byte offset is at most agent token j's start byte offset (the prompt's last
 * token when none is), so the critic never reads text the agent had not written yet. Offsets are in
 * the bytes of the action text, from each token's bytes ({@link Tokenizer#tokenBytes}; a special
 * token the agent's action text skips, e.g. its stop token, has none).
 *
 * <p>A position k counts critic tokens: the state after the prompt and the first k critic action
 * tokens, which is entry k of {@link ai.marft.lm.BaseForward#actionHidden} (entry 0: the prompt's last
 * token). An agent on the critic's tokenizer reads its own ids with k = j ({@link #identity}).
 *
 * <p>Should the agent have sampled bytes that are no valid UTF-8, its action text holds U+FFFD (three
 * bytes) where they were (one to three bytes): offsets after them fall short in the text, so the
 * critic then reads a little less than the agent had written, never more.
 */
final class TokenAlignment {
    private TokenAlignment() {}

    /**
     * One decision as the critic's base reads it.
     *
     * @param criticPrompt the prompt in the critic's tokenizer
     * @param criticAction the ids run after it: the critic tokens the positions need, then one filler
     *                     (the critic's EOS) whose slot gives the state after the last of them (the
     *                     filler's own token is never read: a position sees only what precedes it)
     * @param positions    per agent action token, its entry in the forward's action hidden states
     * @param ownIds       whether {@code criticAction} is the agent's own action ({@link #identity})
     */
    record Row(int[] criticPrompt, int[] criticAction, int[] positions, boolean ownIds) {}

    /**
     * Per agent token j, the number of critic tokens that end at or before agent token j's start byte,
     * both tokenizations laid over the same bytes ({@code agentBytes[j]}, {@code criticBytes[c]}: each
     * token's length in bytes, in order).
     */
    static int[] positions(int[] agentBytes, int[] criticBytes) {
        int[] out = new int[agentBytes.length];
        long start = 0, end = 0; // agent token j's start; the end of the critic tokens counted so far
        int k = 0;
        for (int j = 0; j < agentBytes.length; j++) {
            while (k < criticBytes.length && end + criticBytes[k] <= start) end += criticBytes[k++];
            out[j] = k;
            start += agentBytes[j];
        }
        return out;
    }

    /**
     * Every decision of {@code x} (an absent one as its stand-in, {@link Decisions#stand}) as the critic
     * reads it: {@link #identity} for agents on the critic's tokenizer ({@code shares[i]}), else
     * {@link #across}.
     */
    static List<Row> rows(Decisions x, TeamEngines engines, boolean[] shares) {
        Tokenizer critic = engines.critic().tokenizer();
        int max = engines.critic().model().config().maxPositions();
        List<Row> out = new ArrayList<>(x.size());
        for (int d = 0; d < x.size(); d++) {
            int k = x.standIndex(d), agent = x.agentOf(k);
            out.add(shares[agent] ? identity(x.get(k)) : across(x.get(k), engines.agent(agent).tokenizer(), critic, max));
        }
        return out;
    }

    /** An agent on the critic's tokenizer: its own ids, token j read at entry j (as when every agent shares the critic's tokenizer). */
    static Row identity(AgentStep s) {
        int[] pos = new int[s.actionTokens().length];
        Arrays.setAll(pos, j -> j);
        return new Row(s.criticPromptTokens(), s.actionTokens(), pos, true);
    }

    /**
     * An agent on another tokenizer: {@code s}'s action text in {@code critic}'s tokens, aligned with the
     * agent's tokens by {@link #positions}; the critic prompt loses its first tokens when prompt + action
     * would pass {@code criticMaxPositions} (the critic's tokens of an action may outnumber the agent's).
     */
    static Row across(AgentStep s, Tokenizer agent, Tokenizer critic, int criticMaxPositions) {
        int[] agentIds = s.actionTokens(), criticIds = critic.encode(s.actionText());
        int[] agentBytes = new int[agentIds.length], criticBytes = new int[criticIds.length];
        for (int j = 0; j < agentIds.length; j++) agentBytes[j] = agent.tokenBytes(agentIds[j], true).length;
        for (int c = 0; c < criticIds.length; c++) criticBytes[c] = critic.tokenBytes(criticIds[c], false).length;
        int[] pos = positions(agentBytes, criticBytes);
        int needed = pos.length == 0 ? 0 : pos[pos.length - 1]; // positions never decrease
        int[] action = Arrays.copyOf(criticIds, needed + 1);
        action[needed] = critic.eosId();
        int[] prompt = s.criticPromptTokens();
        int room = Math.max(1, criticMaxPositions - action.length);
        if (prompt.length > room) prompt = Arrays.copyOfRange(prompt, prompt.length - room, prompt.length);
        return new Row(prompt, action, pos, false);
    }
}
