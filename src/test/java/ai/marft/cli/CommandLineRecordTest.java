package ai.marft.cli;

import ai.marft.report.RunReport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line kept for run_info.json's provenance. */
class CommandLineRecordTest {
    @Test
    void argumentsAreQuotedOnlyWhereAShellNeedsIt() {
        assertThat(Main.commandLine("train", "--config", "configs/a b.yaml", "--note", "it's", ""))
                .isEqualTo("marft train --config 'configs/a b.yaml' --note 'it'\\''s' ''");
    }

    @Test
    void runRecordsItsArguments() {
        Main.run("--help");
        assertThat(System.getProperty(RunReport.COMMAND_PROPERTY)).isEqualTo("marft --help");
    }
}
