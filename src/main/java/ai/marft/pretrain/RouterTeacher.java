package ai.marft.pretrain;

import ai.marft.InputError;
import ai.marft.mas.Routes;
import ai.marft.mas.Team;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The router's teacher (docs/flexmg.md, "The embedded router"): at every step of a teacher episode, a
 * router turn that calls one of its routes, uniformly at random. A model pretrained on these turns
 * writes well-formed calls and prefers no route, so RL, not pretraining, decides which route pays.
 * The routes are every well-formed call ({@link Routes#parse}) whose roles include each graded
 * routable agent (a route without the answering agent would end the step unanswered).
 */
public final class RouterTeacher {
    private final Team team;
    private final int router;
    private final List<String> calls;

    /** The router of {@code team} (a profiles file with {@code "router": true}); {@code source} names the file in errors. */
    public RouterTeacher(Team team, String source) {
        this.team = team;
        this.router = team.router();
        if (router < 0) throw new InputError("profiles " + source + ": no agent has \"router\": true (a router model imitates the router's turns)");
        this.calls = calls(team, router);
        if (calls.isEmpty()) throw new InputError("profiles " + source + ": the router has no route that calls every graded agent it can leave out");
    }

    /** The router's role. */
    public String role() {
        return team.agent(router).role();
    }

    /** The calls the teacher draws from, e.g. {@code call: planner, solver} and {@code call: solver}. */
    public List<String> calls() {
        return calls;
    }

    /** One router turn per step of {@code episode}, each seeing that step's state as a rollout shows it. */
    List<Transcript> turns(Episode episode, Random rng) {
        List<Transcript> out = new ArrayList<>();
        for (int s = 0; s < episode.states().size(); s++) {
            String prompt = team.prompt(router, episode.states().get(s), List.of());
            out.add(new Transcript(role(), s + 1, prompt, calls.get(rng.nextInt(calls.size())), true, null));
        }
        return out;
    }

    /** Every subset of the routable agents (acting order) that contains the graded ones and parses as a route. */
    private static List<String> calls(Team team, int router) {
        List<Integer> routable = new ArrayList<>();
        for (int i = 0; i < team.size(); i++) if (team.routable(i)) routable.add(i);
        List<String> out = new ArrayList<>();
        for (int mask = (1 << routable.size()) - 1; mask > 0; mask--) { // the largest route first
            List<String> roles = new ArrayList<>();
            boolean graded = true;
            for (int k = 0; k < routable.size(); k++) {
                int i = routable.get(k);
                if ((mask >> k & 1) == 1) roles.add(team.agent(i).role());
                else if (team.agent(i).withAnswer()) graded = false;
            }
            String call = "call: " + String.join(", ", roles);
            if (graded && Routes.parse(call, team, router).isPresent()) out.add(call);
        }
        return List.copyOf(out);
    }
}
