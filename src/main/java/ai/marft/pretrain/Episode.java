package ai.marft.pretrain;

import ai.marft.env.Problem;

import java.util.List;

/**
 * One teacher episode: every agent's turn of every step in acting order, until the solver was right
 * or the horizon was reached.
 *
 * @param solved whether the last step's answer was correct
 * @param steps  how many environment steps were played
 */
public record Episode(Problem problem, List<Transcript> turns, boolean solved, int steps) {
    public Episode {
        turns = List.copyOf(turns);
    }
}
