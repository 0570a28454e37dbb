package ai.marft.serve;

import ai.marft.lm.LmEngine;
import ai.marft.lm.TextGenerator;
import ai.marft.mas.AgentGenerators;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bases a served team needs besides the server's own (Flex-MG agents on other base models): each
 * distinct one loaded once, frozen, on the served engine's device, with the adapters of its agents
 * and its own {@link BatchScheduler}, the one thread that touches that engine (so concurrent team
 * requests batch there as they do on the served base). Agents on the served base generate through
 * the server's scheduler. Closing stops the schedulers and closes the engines.
 */
final class TeamBases implements AutoCloseable {
    private record Base(LmEngine engine, BatchScheduler scheduler) {}

    private final Map<Path, Base> bases = new LinkedHashMap<>();
    private final List<Base> perAgent = new ArrayList<>(); // null: the served base

    private TeamBases() {}

    /**
     * Loads every base of {@code team} other than {@code served} (absolute folders compared) with its
     * agents' adapters, named {@link TeamModel#adapterName}(role); everything loaded is closed again
     * when a load fails.
     */
    static TeamBases load(TeamModel team, Path served, LmEngine servedEngine, int maxBatch, long waitMicros) {
        Path own = served.toAbsolutePath().normalize();
        TeamBases t = new TeamBases();
        try {
            for (int i = 0; i < team.team().size(); i++) {
                Path base = team.base(i);
                if (base.equals(own)) {
                    t.perAgent.add(null);
                    continue;
                }
                Base b = t.bases.get(base);
                if (b == null) {
                    LmEngine e = LmEngine.load(base, servedEngine.model().manager().getDevice());
                    try {
                        b = new Base(e, new BatchScheduler(e, maxBatch, waitMicros));
                    } catch (RuntimeException x) {
                        e.close();
                        throw x;
                    }
                    t.bases.put(base, b);
                }
                String role = team.team().agent(i).role();
                Path dir = team.checkpoint().adapter(role);
                LmEngine e = b.engine();
                b.scheduler().call(() -> e.adapters().load(TeamModel.adapterName(role), dir));
                t.perAgent.add(b);
            }
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /** Whether agent i (acting order) acts on the served base. */
    boolean onServedBase(int agent) {
        return perAgent.get(agent) == null;
    }

    /** Each agent's generator: its base's scheduler, {@code served} for the served base; the first agent's reads for the critic. */
    AgentGenerators generators(BatchScheduler served) {
        List<TextGenerator> g = new ArrayList<>();
        for (Base b : perAgent) g.add(b == null ? served : b.scheduler());
        return new AgentGenerators(g, g.getFirst());
    }

    @Override
    public void close() {
        for (Base b : bases.values()) {
            b.scheduler().close();
            b.engine().close();
        }
        bases.clear();
    }
}
