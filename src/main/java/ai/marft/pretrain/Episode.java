package ai.marft.pretrain;

import ai.marft.env.Problem;

import java.util.List;

/**
 * One teacher episode: every agent's turn of every step in acting order, until the solver was right
 * or the horizon was reached.
 *
 * @param solved whether the last step's answer was correct
 * @param steps  how many environment steps were played
 * @param states the observation at the start of each step (what every agent saw), {@code steps} of them
 */
public record Episode(Problem problem, List<Transcript> turns, boolean solved, int steps, List<String> states) {
    public Episode {
        turns = List.copyOf(turns);
        states = List.copyOf(states);
    }
}
