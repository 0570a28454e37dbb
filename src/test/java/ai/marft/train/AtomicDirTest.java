package ai.marft.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicDirTest {
    @Test
    void completeFolderAppearsOnlyAfterTheWriterFinished(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("steps_0001");
        AtomicDir.write(target, s -> {
            Files.writeString(s.resolve("a.txt"), "one");
            assertThat(target).doesNotExist(); // nothing visible while writing
        });
        assertThat(AtomicDir.isComplete(target)).isTrue();
        assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("one");
    }

    @Test
    void crashMidWriteLeavesNoValidLookingFolderAndKeepsThePreviousOne(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("final");
        AtomicDir.write(target, s -> Files.writeString(s.resolve("a.txt"), "old"));
        assertThatThrownBy(() -> AtomicDir.write(target, s -> {
            Files.writeString(s.resolve("a.txt"), "half");
            throw new IOException("simulated crash");
        })).isInstanceOf(UncheckedIOException.class);
        assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("old");
        assertThat(AtomicDir.isComplete(dir.resolve(".final.partial"))).isFalse();
        AtomicDir.write(target, s -> Files.writeString(s.resolve("a.txt"), "new"));
        assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("new");
        assertThat(dir.resolve(".final.partial")).doesNotExist();
    }
}
