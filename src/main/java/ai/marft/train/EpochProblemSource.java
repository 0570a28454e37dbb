package ai.marft.train;

import ai.marft.InputError;
import ai.marft.env.Problem;
import ai.marft.env.ProblemSource;
import ai.marft.mas.Seeds;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Training order of a dataset that can be saved and restored exactly: epoch k is a permutation drawn
 * from {@code new Random(Seeds.mix(seed, k))}, so the whole state is (epoch, position). With
 * {@code repeats} r &gt; 1 (GRPO's group size) each problem of the order is drawn r times in a row and
 * the position counts draws.
 */
public final class EpochProblemSource implements ProblemSource {
    private final List<Problem> problems;
    private final long seed;
    private final int repeats;
    private List<Problem> order;
    private long epoch;
    private int position;

    public EpochProblemSource(List<Problem> problems, long seed) {
        this(problems, seed, 1);
    }

    /** Each problem of the order drawn {@code repeats} times in a row. */
    public EpochProblemSource(List<Problem> problems, long seed, int repeats) {
        if (problems.isEmpty()) throw new InputError("the dataset has no problems");
        if (repeats < 1) throw new InputError("problem repeats must be at least 1, got " + repeats);
        this.problems = List.copyOf(problems);
        this.seed = seed;
        this.repeats = repeats;
        seek(0, 0);
    }

    /** Continues from a saved {@link #epoch()} and {@link #position()}. */
    public void seek(long epoch, int position) {
        if (epoch < 0 || position < 0 || position > problems.size() * repeats)
            throw new InputError("problem order state (epoch " + epoch + ", position " + position + ") does not fit a dataset of " + problems.size());
        this.epoch = epoch;
        this.position = position;
        List<Problem> o = new ArrayList<>(problems);
        Collections.shuffle(o, new Random(Seeds.mix(seed, epoch)));
        this.order = o;
    }

    @Override
    public Problem next() {
        if (position == order.size() * repeats) seek(epoch + 1, 0);
        return order.get(position++ / repeats);
    }

    public long epoch() {
        return epoch;
    }

    public int position() {
        return position;
    }
}
