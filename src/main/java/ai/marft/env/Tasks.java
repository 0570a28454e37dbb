package ai.marft.env;

import ai.marft.env.arith.ArithGrader;
import ai.marft.env.math.MathGrader;

import ai.marft.InputError;
import ai.marft.env.Grader;
import ai.marft.env.Problem;

import java.util.List;
import java.util.regex.Pattern;

/** The grader of a question/answer task by name ({@code arith} or {@code math}), or inferred from the dataset. */
public final class Tasks {
    /** Arith problems as ArithGenerator writes them, e.g. {@code What is 7 + 3 * 8 - 5?}. */
    private static final Pattern ARITH = Pattern.compile("What is \\d+( [-+*] \\d+)+\\?");

    private Tasks() {}

    /** The grader for {@code task}: arith, math (the reference's env_name math_env is math). */
    public static Grader grader(String task) {
        return switch (task) {
            case "arith" -> new ArithGrader();
            case "math", "math_env" -> new MathGrader();
            default -> throw new InputError("unknown task '" + task + "': expected arith or math");
        };
    }

    /** arith when every problem reads like an arith problem, else math. */
    public static String infer(List<Problem> problems) {
        boolean arith = !problems.isEmpty() && problems.stream().allMatch(p -> ARITH.matcher(p.problem()).matches());
        return arith ? "arith" : "math";
    }
}
