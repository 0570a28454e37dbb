package ai.marft;

import ai.marft.cli.Main;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {
    @Test
    void unknownSubcommandIsAnError() {
        assertThat(Main.run("no-such-command")).isNotZero();
    }

    @Test
    void helpSucceeds() {
        assertThat(Main.run("--help")).isZero();
    }
}
