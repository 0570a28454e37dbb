package ai.marft.cli;

import ai.marft.InputError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code marft} command: dispatches to the subcommands. */
@Command(name = "marft", mixinStandardHelpOptions = true, version = "marft 0.1.0",
        description = "Multi-Agent Reinforcement Fine-Tuning (MARFT) of LLM teams.",
        subcommands = {
                // one line per subcommand class
                CommandLine.HelpCommand.class,
                ArithDatasetCommand.class,
                GradeCommand.class,
                BenchGradeCommand.class,
                Logprobs.class, Generate.class, Bench.class,
                TrainCommand.class, EvalCommand.class, DemoCommand.class,
                CompareCommand.class,
                PretrainCommand.class,
        })
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        System.setProperty("marft.command", "marft " + String.join(" ", args)); // recorded in a run's run_info.json
        CommandLine cl = new CommandLine(new Main());
        // marft train --help lists every training option from its one declaration
        cl.getSubcommands().get("train").getCommandSpec().usageMessage()
                .footerHeading("%nTraining options (YAML/JSON keys and --flags; [ours]: not in the reference):%n")
                .footer(ai.marft.config.Options.helpLines().stream().map(l -> l.replace("%", "%%")).toArray(String[]::new));
        cl.setParameterExceptionHandler((ex, ignoredArgs) -> { // picocli's default prints the usage too: keep one line
            CommandLine cmd = ex.getCommandLine();
            System.err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage().lines().findFirst().orElse("")
                    + " (see " + cmd.getCommandSpec().qualifiedName() + " --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof ai.marft.train.Stopped stopped) { // a signal: the checkpoint is written, say where
                System.err.println("marft " + cmd.getCommandName() + ": " + stopped.getMessage());
                return stopped.exitCode();
            }
            Throwable t = ex;
            while (t != null && !(t instanceof InputError)) t = t.getCause();
            if (t != null) { // a user error: one line, no stack trace
                System.err.println("marft " + cmd.getCommandName() + ": " + oneLine(t.getMessage()));
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    /**
     * A user error's message as one line: a message that carries a library's multi-line text (Jackson
     * appends its location on a second line) is joined, and Jackson's "source not included" note dropped.
     */
    static String oneLine(String message) {
        return String.join(" ", message.replace("Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ", "")
                .lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    }
}
