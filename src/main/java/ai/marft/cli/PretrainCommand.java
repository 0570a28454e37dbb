package ai.marft.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.marft.InputError;
import ai.marft.pretrain.CardEval;
import ai.marft.pretrain.ModelCard;
import ai.marft.pretrain.PretrainOptions;
import ai.marft.pretrain.Pretrainer;
import ai.marft.pretrain.RouterTeacher;
import ai.marft.mas.Profiles;
import ai.marft.mas.Team;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code marft pretrain}: builds the embedded arith model (tokenizer, Llama weights, loss curve, model card). */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pretrain a tiny Llama model on noisy-teacher arith transcripts (README: The embedded model).")
public final class PretrainCommand implements Runnable {
    @Option(names = "--out", required = true, description = "model folder to write (HF layout)")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "seed of everything (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--minutes", defaultValue = "0", description = "wall-clock cap for training, 0 = none (default: ${DEFAULT-VALUE}); a capped run stops early")
    double minutes;

    @Option(names = "--steps", description = "optimizer steps (default: the shipped recipe's)")
    Integer steps;

    @Option(names = "--hidden", description = "model width (default: the shipped recipe's)")
    Integer hidden;

    @Option(names = "--layers", description = "decoder blocks (default: the shipped recipe's)")
    Integer layers;

    @Option(names = "--batch-tokens", description = "padded tokens per step (default: the shipped recipe's)")
    Integer batchTokens;

    @Option(names = "--lr", description = "peak learning rate (default: the shipped recipe's)")
    Double lr;

    @Option(names = "--threads", defaultValue = "1", description = "PyTorch intra-op threads (default: ${DEFAULT-VALUE}: on a shared 2-core"
            + " machine one thread ran 5-10x faster than two)")
    int threads;

    @Option(names = "--dual-profiles", defaultValue = "configs/arith_dual.json", description = "planner/solver profiles (default: ${DEFAULT-VALUE})")
    Path dualProfiles;

    @Option(names = "--solo-profiles", defaultValue = "configs/arith_solo.json", description = "solo profiles (default: ${DEFAULT-VALUE})")
    Path soloProfiles;

    @Option(names = "--router-profiles", paramLabel = "FILE", description = "make a router model: learn the turns of this profiles file's router "
            + "(\"router\": true), each step one of its routes at random (docs/flexmg.md)")
    Path routerProfiles;

    @Option(names = "--tokenizer-from", paramLabel = "DIR", description = "use this model folder's tokenizer instead of learning one "
            + "(so the new model shares it, e.g. with a TPPO critic's base)")
    Path tokenizerFrom;

    @Option(names = "--eval-problems", defaultValue = "500", description = "held-out problems measured for the model card, 0 = skip (default: ${DEFAULT-VALUE})")
    int evalProblems;

    @Override
    public void run() {
        checkFlags();
        PretrainOptions o = PretrainOptions.defaults(seed).withMaxMinutes(minutes);
        if (steps != null) o = o.withSteps(steps);
        if (hidden != null || layers != null || batchTokens != null)
            o = o.withShape(hidden != null ? hidden : o.hidden(), layers != null ? layers : o.layers(), o.heads(),
                    hidden != null ? hidden * o.intermediate() / o.hidden() : o.intermediate(), batchTokens != null ? batchTokens : o.batchTokens());
        if (lr != null) o = o.withLr(lr);
        if (evalProblems < 0 || evalProblems > o.heldOut())
            throw new InputError("--eval-problems must be in [0, " + o.heldOut() + "] (the held-out set), got " + evalProblems);
        if (threads < 1) throw new InputError("--threads must be >= 1, got " + threads);
        Engine.getInstance();
        int threadsBefore = JniUtils.getNumThreads();
        JniUtils.setNumThreads(threads);
        try {
            pretrain(o);
        } finally {
            JniUtils.setNumThreads(threadsBefore);
        }
    }

    /** The flags' own ranges, named as the user typed them (PretrainOptions checks the combined recipe). */
    private void checkFlags() {
        atLeastOne("--steps", steps);
        atLeastOne("--hidden", hidden);
        atLeastOne("--layers", layers);
        atLeastOne("--batch-tokens", batchTokens);
        if (lr != null && !(lr > 0 && Double.isFinite(lr))) throw new InputError("--lr " + lr + ": must be a positive number");
        if (!(minutes >= 0 && Double.isFinite(minutes))) throw new InputError("--minutes " + minutes + ": must be >= 0 (0: no cap)");
    }

    private static void atLeastOne(String flag, Integer value) {
        if (value != null && value < 1) throw new InputError(flag + " " + value + ": must be at least 1");
    }

    private void pretrain(PretrainOptions o) {
        Pretrainer.Summary summary;
        Team routerTeam = routerProfiles == null ? null : Profiles.loadWithoutModels(routerProfiles); // the router's own folder is usually the one this run makes
        RouterTeacher router = routerTeam == null ? null : new RouterTeacher(routerTeam, routerProfiles.toString());
        if (tokenizerFrom != null && !java.nio.file.Files.isDirectory(tokenizerFrom))
            throw new InputError("--tokenizer-from " + tokenizerFrom + ": no such model folder");
        try (Pretrainer p = new Pretrainer(o, out, dualProfiles, soloProfiles, router, tokenizerFrom)) {
            System.err.printf("pretrain: %s, %,d parameters, %d steps of %d tokens%n", p.model().config(), p.model().parameterCount(),
                    o.steps(), o.batchTokens());
            summary = p.train(System.err);
        }
        if (router != null)
            ModelCard.writeRouter(out, o, summary, router, routerProfiles,
                    evalProblems == 0 ? List.of() : CardEval.measureRouter(out, router, routerTeam, o, evalProblems, System.err), evalProblems, commandLine());
        else
            ModelCard.write(out, o, summary, evalProblems == 0 ? null : CardEval.measure(out, dualProfiles, soloProfiles, o, evalProblems, System.err), commandLine());
        System.err.println("pretrain: wrote " + out);
    }

    private String commandLine() {
        StringBuilder sb = new StringBuilder("marft pretrain --out ").append(out).append(" --seed ").append(seed);
        if (minutes > 0) sb.append(" --minutes ").append(minutes);
        if (steps != null) sb.append(" --steps ").append(steps);
        if (hidden != null) sb.append(" --hidden ").append(hidden);
        if (layers != null) sb.append(" --layers ").append(layers);
        if (batchTokens != null) sb.append(" --batch-tokens ").append(batchTokens);
        if (lr != null) sb.append(" --lr ").append(lr);
        if (routerProfiles != null) sb.append(" --router-profiles ").append(routerProfiles);
        if (tokenizerFrom != null) sb.append(" --tokenizer-from ").append(tokenizerFrom);
        return sb.toString();
    }
}
