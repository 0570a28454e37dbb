package ai.marft.cli;

import ai.marft.InputError;
import ai.marft.report.RunReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

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
                ServeCommand.class,
                ReportCommand.class,
        })
public final class Main implements Runnable {
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "show the libraries' INFO and WARN lines and the JVM's start-up warnings (also: MARFT_VERBOSE=1)")
    void verbose(boolean on) {
        Verbose.apply(on);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        Verbose.apply(Verbose.fromEnvironment());
        System.setProperty(RunReport.COMMAND_PROPERTY, commandLine(args)); // for run_info.json's provenance
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
                System.err.println(cmd.getCommandSpec().qualifiedName() + ": " + stopped.getMessage());
                return stopped.exitCode();
            }
            Throwable t = ex;
            while (t != null && !(t instanceof InputError)) t = t.getCause();
            if (t != null) { // a user error: one line, no stack trace
                System.err.println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(t.getMessage()));
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    /** "marft" and the arguments, each single-quoted (as a POSIX shell reads it back) when it is empty or has a space or a quote. */
    static String commandLine(String... args) {
        StringBuilder b = new StringBuilder("marft");
        for (String a : args) b.append(' ').append(a.isEmpty() || a.matches(".*[\\s'\"].*") ? "'" + a.replace("'", "'\\''") + "'" : a);
        return b.toString();
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
