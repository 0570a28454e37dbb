package ai.marft.cli;

import ai.marft.InputError;
import ai.marft.lm.LmEngine;
import ai.marft.mas.Profiles;
import ai.marft.serve.OpenAiServer;
import ai.marft.serve.TeamCheckpoint;
import ai.marft.serve.TeamModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code marft serve}: an OpenAI-compatible HTTP server (vLLM's protocol, LoRA endpoints included) over the engine. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a model over HTTP with the OpenAI API as vLLM implements it: /v1/models, /v1/completions, "
                + "/v1/chat/completions, /v1/load_lora_adapter, /v1/unload_lora_adapter, /health.",
                "Requests arriving together are decoded in one batch. With --team, a trained checkpoint's whole team answers as model \"team\""
                        + " (agents on bases other than the served model: each such base loaded once beside it).",
                "Prints 'marft serve: listening on URL' on stdout once ready."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", description = "base model folder (HF layout); default with --team: the checkpoint's model")
    Path model;
    @Option(names = "--adapter", paramLabel = "NAME=PEFT_DIR", description = "a LoRA adapter to serve as model NAME (repeatable)")
    List<String> adapterSpecs = List.of();
    @Option(names = "--team", paramLabel = "CHECKPOINT_DIR", description = "serve this training checkpoint's team as model \"team\"")
    Path team;
    @Option(names = "--profiles", paramLabel = "FILE", description = "with --team: profiles file (default: the checkpoint's profile_path)")
    Path profiles;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface)")
    String host;
    @Option(names = "--port", defaultValue = "8000", description = "port (default ${DEFAULT-VALUE}, vLLM's; 0 picks a free one)")
    int port;
    @Option(names = "--max-batch", defaultValue = "16", description = "most rows per generate call (default ${DEFAULT-VALUE})")
    int maxBatch;
    @Option(names = "--batch-wait-ms", defaultValue = "5", description = "how long a batch waits for more requests after its first (default ${DEFAULT-VALUE})")
    double batchWaitMs;
    @Option(names = "--served-model-name", description = "the base model's name in the API (default: the model folder's name)")
    String servedName;

    @Mixin
    ThreadsOption threads;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        if (port < 0 || port > 65535) throw new InputError("--port must be in [0, 65535], got " + port);
        if (batchWaitMs < 0) throw new InputError("--batch-wait-ms must be >= 0, got " + batchWaitMs);
        TeamCheckpoint checkpoint = team == null ? null : TeamCheckpoint.read(team);
        Path modelDir = model != null ? model : checkpoint != null ? checkpoint.model() : null;
        if (modelDir == null) throw new InputError("--model is required (or --team of a checkpoint that names its model)");
        Map<String, Path> adapters = new LinkedHashMap<>();
        for (String spec : adapterSpecs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) throw new InputError("--adapter '" + spec + "': expected NAME=PEFT_DIR");
            if (adapters.put(spec.substring(0, eq), Path.of(spec.substring(eq + 1))) != null)
                throw new InputError("--adapter: the name '" + spec.substring(0, eq) + "' is given twice");
        }
        // Flex-MG: each agent on its own base, as marft eval rebuilds the team; the other bases load once each
        TeamModel teamModel = checkpoint == null ? null
                : TeamModel.of(Profiles.load(profiles != null ? profiles : checkpoint.profiles()), checkpoint, modelDir, model != null);
        String name = servedName != null ? servedName : modelDir.toAbsolutePath().normalize().getFileName().toString();
        try (LmEngine engine = device.load(modelDir);
             OpenAiServer server = OpenAiServer.start(engine, modelDir,
                     new OpenAiServer.Options(host, port, maxBatch, Math.round(batchWaitMs * 1000), name), adapters, teamModel)) {
            System.out.println("marft serve: listening on " + server.uri() + " (model " + name + ")");
            System.out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
