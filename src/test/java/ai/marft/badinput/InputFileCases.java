package ai.marft.badinput;

import java.nio.file.Path;
import java.util.List;

import static ai.marft.badinput.Fixture.copyModel;
import static ai.marft.badinput.Fixture.evalArgs;
import static ai.marft.badinput.Fixture.modelWithConfig;
import static ai.marft.badinput.Fixture.write;

/** Bad input files: profiles, models, datasets and grade pairs files. */
final class InputFileCases {
    private InputFileCases() {}

    static List<Case> all() {
        return List.of(
                // --- profiles (read by eval before the model loads; train reads the same loader)
                profile("profiles-not-json", "[{\"role\": \"solver\",", "{dir}/p.json", "not valid JSON"),
                profile("profiles-not-array", "{\"role\": \"solver\"}", "{dir}/p.json", "JSON array"),
                profile("profiles-empty-array", "[]", "{dir}/p.json", "empty"),
                profile("profiles-missing-role", "[{\"prompt\": \"x\", \"with_answer\": true}]", "{dir}/p.json", "agent 0", "'role'", "missing"),
                profile("profiles-missing-prompt", "[{\"role\": \"solver\", \"with_answer\": true}]", "{dir}/p.json", "agent 0", "'prompt'"),
                profile("profiles-with-answer-not-boolean", "[{\"role\": \"solver\", \"prompt\": \"x\", \"with_answer\": \"yes\"}]",
                        "{dir}/p.json", "agent 0", "'with_answer'"),
                profile("profiles-unknown-depends-on", "[{\"role\": \"a\", \"prompt\": \"x\", \"with_answer\": false},"
                        + " {\"role\": \"b\", \"prompt\": \"y\", \"with_answer\": true, \"depends_on\": [\"c\"]}]", "{dir}/p.json", "agent 1", "depends_on", "\"c\""),
                profile("profiles-cycle", "[{\"role\": \"a\", \"prompt\": \"x\", \"with_answer\": false, \"depends_on\": [\"b\"]},"
                        + " {\"role\": \"b\", \"prompt\": \"y\", \"with_answer\": true, \"depends_on\": [\"a\"]}]", "{dir}/p.json", "depends_on", "cycle"),
                profile("profiles-duplicate-role", "[{\"role\": \"a\", \"prompt\": \"x\", \"with_answer\": false},"
                        + " {\"role\": \"a\", \"prompt\": \"y\", \"with_answer\": true}]", "{dir}/p.json", "agent 1", "\"a\""),
                profile("profiles-depends-on-not-list", "[{\"role\": \"a\", \"prompt\": \"x\", \"with_answer\": true, \"depends_on\": \"b\"}]",
                        "{dir}/p.json", "agent 0", "depends_on"),
                profile("profiles-role-with-slash", "[{\"role\": \"a/b\", \"prompt\": \"x\", \"with_answer\": true}]", "{dir}/p.json", "'role'", "a/b"),
                Case.of("profiles-not-utf8", dir -> evalArgs(dir, "--profiles", write(dir.resolve("p.json"),
                        new byte[]{'[', '{', '"', 'r', 'o', 'l', 'e', '"', ':', '"', (byte) 0xE9, '"', '}', ']'}).toString()), "{dir}/p.json", "UTF-8", "offset 10"),
                Case.of("profiles-missing-file", dir -> evalArgs(dir, "--profiles", dir.resolve("none.json").toString()), "{dir}/none.json", "no such file"),
                Case.of("profiles-train-cycle", dir -> Fixture.trainArgs(dir.resolve("run"), "--profile_path",
                        write(dir.resolve("p.json"), "[{\"role\": \"a\", \"prompt\": \"x\", \"with_answer\": true, \"depends_on\": [\"a\"]}]").toString()),
                        "{dir}/p.json", "agent 0", "itself"),

                // --- models
                Case.of("model-missing-folder", dir -> evalArgs(dir, "--model", dir.resolve("nothing").toString()), "{dir}/nothing"),
                Case.of("model-missing-config", dir -> {
                    Path m = copyModel(dir);
                    java.nio.file.Files.delete(m.resolve("config.json"));
                    return evalArgs(dir, "--model", m.toString());
                }, "{dir}/model/config.json"),
                Case.of("model-config-not-json", dir -> {
                    Path m = copyModel(dir);
                    write(m.resolve("config.json"), "{\"model_type\": ");
                    return evalArgs(dir, "--model", m.toString());
                }, "{dir}/model/config.json"),
                Case.of("model-type-unsupported", dir -> evalArgs(dir, "--model",
                        modelWithConfig(dir, c -> c.put("model_type", "gpt2")).toString()), "{dir}/model/config.json", "gpt2"),
                Case.of("model-hidden-size-negative", dir -> evalArgs(dir, "--model",
                        modelWithConfig(dir, c -> c.put("hidden_size", -1)).toString()), "{dir}/model/config.json", "hidden_size"),
                Case.of("model-vocab-size-missing", dir -> evalArgs(dir, "--model",
                        modelWithConfig(dir, c -> c.remove("vocab_size")).toString()), "{dir}/model/config.json", "vocab_size"),
                Case.of("model-heads-not-multiple-of-kv-heads", dir -> evalArgs(dir, "--model",
                        modelWithConfig(dir, c -> c.put("num_key_value_heads", 3)).toString()), "{dir}/model/config.json", "num_key_value_heads"),
                Case.of("model-hidden-act-unsupported", dir -> evalArgs(dir, "--model",
                        modelWithConfig(dir, c -> c.put("hidden_act", "gelu")).toString()), "{dir}/model/config.json", "gelu"),
                Case.of("model-safetensors-truncated", dir -> {
                    Path m = copyModel(dir);
                    Fixture.truncate(m.resolve("model.safetensors"), 0.5);
                    return evalArgs(dir, "--model", m.toString());
                }, "{dir}/model/model.safetensors"),
                Case.of("model-safetensors-tiny", dir -> {
                    Path m = copyModel(dir);
                    write(m.resolve("model.safetensors"), new byte[]{1, 2, 3});
                    return evalArgs(dir, "--model", m.toString());
                }, "{dir}/model/model.safetensors"),
                Case.of("model-safetensors-missing", dir -> {
                    Path m = copyModel(dir);
                    java.nio.file.Files.delete(m.resolve("model.safetensors"));
                    return evalArgs(dir, "--model", m.toString());
                }, "{dir}/model", "model.safetensors"),
                Case.of("model-missing-tensor", dir -> {
                    Path m = copyModel(dir);
                    Fixture.replaceBytes(m.resolve("model.safetensors"), "model.norm.weight", "model.norm.weighx");
                    return evalArgs(dir, "--model", m.toString());
                }, "model.norm.weight", "missing"),
                Case.of("model-tensor-dtype-unsupported", dir -> {
                    Path m = copyModel(dir);
                    Fixture.replaceBytes(m.resolve("model.safetensors"), "\"F32\"", "\"I64\"");
                    return evalArgs(dir, "--model", m.toString());
                }, "{dir}/model/model.safetensors", "I64"),
                Case.of("model-tokenizer-corrupt", dir -> {
                    Path m = copyModel(dir);
                    write(m.resolve("tokenizer.json"), "{\"version\": ");
                    return evalArgs(dir, "--model", m.toString());
                }, "{dir}/model/tokenizer.json"),
                Case.of("generate-adapter-missing", dir -> new String[]{"generate", "--model", Fixture.model.toString(), "--prompt", "x",
                        "--adapter", dir.resolve("adapter").toString()}, "{dir}/adapter"),
                Case.of("logprobs-model-missing-config", dir -> {
                    Path m = copyModel(dir);
                    java.nio.file.Files.delete(m.resolve("config.json"));
                    return new String[]{"logprobs", "--model", m.toString(), "--ids", "1,2,3"};
                }, "{dir}/model/config.json"),

                // --- datasets
                dataset("dataset-not-json", "[{\"problem\": \"1+1\", ", "{dir}/d.json", "not valid JSON"),
                Case.of("dataset-not-utf8", dir -> evalArgs(dir, "--dataset", write(dir.resolve("d.json"),
                        new byte[]{'[', '{', '"', 'p', '"', ':', ' ', '"', (byte) 0xC3, (byte) 0x28, '"', '}', ']'}).toString()),
                        "{dir}/d.json", "UTF-8"),
                dataset("dataset-missing-problem", "[{\"final_answer\": \"2\"}]", "{dir}/d.json", "record 0", "'problem'"),
                dataset("dataset-missing-answer", "[{\"problem\": \"What is 1 + 1?\"}]", "{dir}/d.json", "record 0", "final_answer"),
                dataset("dataset-empty-array", "[]", "{dir}/d.json", "no problems"),
                dataset("dataset-empty-file", "", "{dir}/d.json", "no problems"),
                dataset("dataset-jsonl-bad-line", "{\"problem\": \"a\", \"final_answer\": \"1\"}\n{\"problem\": \n", "{dir}/d.json", "line 2"),
                dataset("dataset-record-not-object", "[\"What is 1 + 1?\"]", "{dir}/d.json", "record 0", "object"),
                dataset("dataset-answer-is-object", "[{\"problem\": \"a\", \"final_answer\": {\"x\": 1}}]", "{dir}/d.json", "record 0", "final_answer"),
                dataset("dataset-answer-empty", "[{\"problem\": \"a\", \"final_answer\": \" \"}]", "{dir}/d.json", "record 0", "final_answer", "empty"),
                Case.of("dataset-missing-file", dir -> evalArgs(dir, "--dataset", dir.resolve("none.json").toString()), "{dir}/none.json", "no such file"),
                Case.of("dataset-is-folder", dir -> evalArgs(dir, "--dataset", dir.toString()), "{dir}"),
                dataset("dataset-problem-is-number", "[{\"problem\": 5, \"final_answer\": \"5\"}]", "{dir}/d.json", "record 0", "'problem'"),
                Case.of("dataset-train-not-utf8", dir -> Fixture.trainArgs(dir.resolve("run"), "--dataset_path",
                        write(dir.resolve("d.json"), new byte[]{'[', '{', '"', 'p', '"', ':', '"', (byte) 0x80, '"', '}', ']'}).toString()), "{dir}/d.json", "UTF-8"),
                Case.of("dataset-train-missing-field", dir -> Fixture.trainArgs(dir.resolve("run"), "--dataset_path",
                        write(dir.resolve("d.json"), "[{\"problem\": \"a\", \"answer\": \"1\"}, {\"question\": \"b\"}]").toString()), "{dir}/d.json", "record 1"),

                // --- grade pairs files
                pairs("pairs-not-json", "{\"pred\": \"1\", \"gold\": \"1\"}\n{\"pred\": 1\n", "{dir}/pairs.jsonl", "line 2", "not valid JSON"),
                pairs("pairs-missing-gold", "{\"pred\": \"1\"}\n", "{dir}/pairs.jsonl", "line 1", "'gold'"),
                pairs("pairs-extract-not-boolean", "{\"pred\": \"1\", \"gold\": \"1\", \"extract\": \"yes\"}\n", "{dir}/pairs.jsonl", "line 1", "'extract'"),
                pairs("pairs-not-object", "[1, 2]\n", "{dir}/pairs.jsonl", "line 1", "object"),
                Case.of("pairs-not-utf8", dir -> new String[]{"grade", "--pairs", write(dir.resolve("pairs.jsonl"),
                        new byte[]{'{', '"', 'p', 'r', 'e', 'd', '"', ':', '"', (byte) 0xFF, '"', '}', '\n'}).toString()}, "{dir}/pairs.jsonl", "UTF-8"),
                Case.of("pairs-is-folder", dir -> new String[]{"grade", "--pairs", dir.toString()}, "{dir}", "folder"),
                Case.of("pairs-missing-file", dir -> new String[]{"grade", "--pairs", dir.resolve("none.jsonl").toString()}, "{dir}/none.jsonl"));
    }

    private static Case profile(String name, String json, String... mentions) {
        return Case.of(name, dir -> evalArgs(dir, "--profiles", write(dir.resolve("p.json"), json).toString()), mentions);
    }

    private static Case dataset(String name, String text, String... mentions) {
        return Case.of(name, dir -> evalArgs(dir, "--dataset", write(dir.resolve("d.json"), text).toString()), mentions);
    }

    private static Case pairs(String name, String text, String... mentions) {
        return Case.of(name, dir -> new String[]{"grade", "--pairs", write(dir.resolve("pairs.jsonl"), text).toString()}, mentions);
    }
}
