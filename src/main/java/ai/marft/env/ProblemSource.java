package ai.marft.env;

import ai.marft.InputError;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** The order in which a task's problems are drawn when environments reset; one source may feed many environments. */
public interface ProblemSource {
    /** The next problem. */
    Problem next();

    /** The problems in file order, starting over after the last (evaluation). */
    static ProblemSource sequential(List<Problem> problems) {
        List<Problem> list = nonEmpty(problems);
        return new ProblemSource() {
            private int next;

            @Override
            public Problem next() {
                Problem p = list.get(next);
                next = (next + 1) % list.size();
                return p;
            }
        };
    }

    /** Epochs over the problems, each a fresh permutation from a {@code java.util.Random} seeded with {@code seed} (training). */
    static ProblemSource shuffled(List<Problem> problems, long seed) {
        List<Problem> list = nonEmpty(problems);
        Random random = new Random(seed);
        return new ProblemSource() {
            private final List<Problem> epoch = new ArrayList<>(list);
            private int next = epoch.size();

            @Override
            public Problem next() {
                if (next == epoch.size()) { Collections.shuffle(epoch, random); next = 0; }
                return epoch.get(next++);
            }
        };
    }

    private static List<Problem> nonEmpty(List<Problem> problems) {
        if (problems.isEmpty()) throw new InputError("the dataset has no problems");
        return List.copyOf(problems);
    }
}
