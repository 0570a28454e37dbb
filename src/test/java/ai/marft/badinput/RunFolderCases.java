package ai.marft.badinput;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static ai.marft.badinput.Fixture.checkpoint;
import static ai.marft.badinput.Fixture.copyTree;
import static ai.marft.badinput.Fixture.dataset;
import static ai.marft.badinput.Fixture.evalArgs;
import static ai.marft.badinput.Fixture.plus;
import static ai.marft.badinput.Fixture.readOnly;
import static ai.marft.badinput.Fixture.run;
import static ai.marft.badinput.Fixture.trainArgs;
import static ai.marft.badinput.Fixture.write;

/**
 * Checkpoints (broken copies of the fixture run's), existing run folders (which must stay
 * byte-identical) and output paths that cannot be written.
 */
final class RunFolderCases {
    private RunFolderCases() {}

    static List<Case> all() {
        return List.of(
                // --- checkpoints
                Case.of("checkpoint-is-a-file", dir -> evalCheckpoint(dir, write(dir.resolve("ckpt"), "x")), "{dir}/ckpt", "folder"),
                Case.of("checkpoint-missing", dir -> evalCheckpoint(dir, dir.resolve("none")), "{dir}/none", "no such folder"),
                Case.of("checkpoint-without-complete-marker", dir -> {
                    Path c = copyCheckpoint(dir);
                    Files.delete(c.resolve("COMPLETE"));
                    return evalCheckpoint(dir, c);
                }, "{dir}/steps_0002", "COMPLETE"),
                Case.of("checkpoint-missing-adapter", dir -> {
                    Path c = copyCheckpoint(dir);
                    Fixture.deleteTree(c.resolve("solver"));
                    return evalCheckpoint(dir, c);
                }, "{dir}/steps_0002", "solver"),
                Case.of("checkpoint-adapter-weights-truncated", dir -> {
                    Path c = copyCheckpoint(dir);
                    Fixture.truncate(c.resolve("solver/adapter_model.safetensors"), 0.5);
                    return evalCheckpoint(dir, c);
                }, "{dir}/steps_0002/solver/adapter_model.safetensors"),
                Case.of("checkpoint-config-corrupt", dir -> {
                    Path c = copyCheckpoint(dir);
                    write(c.resolve("config.json"), "{\"lr\": ");
                    return evalCheckpoint(dir, c);
                }, "{dir}/steps_0002/config.json"),
                Case.of("resume-optimizer-truncated", dir -> {
                    Path c = copyCheckpoint(dir);
                    Fixture.truncate(c.resolve("optimizer/solver.safetensors"), 0.5);
                    return resume(c, dir.resolve("run"));
                }, "{dir}/steps_0002/optimizer/solver.safetensors"),
                Case.of("resume-trainer-state-corrupt", dir -> {
                    Path c = copyCheckpoint(dir);
                    write(c.resolve("trainer_state.json"), "{\"iteration\": ");
                    return resume(c, dir.resolve("run"));
                }, "{dir}/steps_0002/trainer_state.json"),
                Case.of("resume-checkpoint-is-a-file", dir -> resume(write(dir.resolve("steps_0002"), "x"), dir.resolve("run")), "{dir}/steps_0002", "file"),
                Case.of("checkpoint-lacks-a-profiles-role", dir -> plus(evalCheckpoint(dir, checkpoint), "--profiles", write(dir.resolve("p.json"),
                        "[{\"role\": \"planner\", \"prompt\": \"x\", \"with_answer\": true}]").toString()), checkpoint.toString(), "'planner'"),
                Case.of("resume-missing-checkpoint", dir -> resume(dir.resolve("none"), dir.resolve("run")), "{dir}/none"),

                // --- an existing run is never damaged: it must stay byte-identical (the shared snapshot holds it)
                Case.of("run-folder-holds-a-run", dir -> trainArgs(run), run.toString(), "already holds a run"),
                Case.of("run-folder-holds-a-run-bad-gamma", dir -> trainArgs(run, "--gamma", "2.5"), "gamma", "2.5"),
                Case.of("resume-bad-gamma", dir -> new String[]{"train", "--resume", checkpoint.toString(), "--iterations", "4", "--gamma", "2.5"},
                        "gamma", "2.5"),
                Case.of("resume-other-seed", dir -> new String[]{"train", "--resume", checkpoint.toString(), "--iterations", "4", "--seed", "11"},
                        "seed", "11"),
                Case.of("run-folder-overwrite-bad-gamma", dir -> trainArgs(run, "--overwrite", "true", "--gamma", "2.5"), "gamma", "2.5"),
                Case.of("run-folder-overwrite-missing-dataset", dir -> trainArgs(run, "--overwrite", "true", "--dataset_path",
                        dir.resolve("none.json").toString()), "{dir}/none.json"),
                Case.of("demo-out-holds-a-run", dir -> new String[]{"demo", "--out", run.toString(), "--minutes", "0.01"}, run.toString()),

                // --- outputs that cannot be written, refused before any work
                Case.of("eval-records-is-a-folder", dir -> evalArgs(dir, "--records", Files.createDirectories(dir.resolve("out")).toString()),
                        "--records", "{dir}/out", "folder"),
                Case.of("eval-records-under-a-file", dir -> evalArgs(dir, "--records", write(dir.resolve("f"), "x").resolve("sub/r.jsonl").toString()),
                        "--records", "{dir}/f", "is a file"),
                Case.of("eval-records-in-read-only-folder", dir -> evalArgs(dir, "--records", readOnly(dir.resolve("ro")).resolve("r.jsonl").toString()),
                        "{dir}/ro"),
                Case.of("train-run-dir-read-only", dir -> trainArgs(readOnly(dir.resolve("ro")).resolve("run")), "{dir}/ro"),
                Case.of("arith-dataset-out-read-only", dir -> new String[]{"arith-dataset", "--out", readOnly(dir.resolve("ro")).resolve("a.json").toString(),
                        "--n", "3"}, "{dir}/ro"),
                Case.of("arith-dataset-out-is-a-folder", dir -> new String[]{"arith-dataset", "--out", Files.createDirectories(dir.resolve("out")).toString(),
                        "--n", "3"}, "--out", "{dir}/out"),
                Case.of("train-run-dir-is-a-file", dir -> trainArgs(write(dir.resolve("run"), "x")), "{dir}/run"),
                Case.of("pretrain-out-is-a-file", dir -> new String[]{"pretrain", "--out", write(dir.resolve("m"), "x").toString(), "--steps", "1"},
                        "{dir}/m"));
    }

    private static Path copyCheckpoint(Path dir) throws java.io.IOException {
        return copyTree(checkpoint, dir.resolve("steps_0002"));
    }

    private static String[] evalCheckpoint(Path dir, Path ckpt) {
        return new String[]{"eval", "--checkpoint", ckpt.toString(), "--dataset", dataset.toString(), "--n", "2",
                "--records", dir.resolve("records.jsonl").toString()};
    }

    /** Resumes {@code ckpt} into a fresh run folder (the checkpoint's config names the fixture run's folder, so give another). */
    private static String[] resume(Path ckpt, Path runDir) {
        return new String[]{"train", "--resume", ckpt.toString(), "--iterations", "4", "--run_dir", runDir.toString()};
    }
}
