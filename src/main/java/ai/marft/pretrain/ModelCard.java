package ai.marft.pretrain;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Writes the model folder's card (README.md) and the same figures as pretrain.json. */
public final class ModelCard {
    private ModelCard() {}

    public static void write(Path out, PretrainOptions o, Pretrainer.Summary s, CardEval.Figures f, String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("# tiny-arith: the embedded MARFT-J model\n\n");
        sb.append("A ").append(String.format(Locale.ROOT, "%,d", s.parameters())).append("-parameter Llama-architecture causal LM (hidden ")
                .append(o.hidden()).append(", ").append(o.layers()).append(" layers, ").append(o.heads()).append(" heads, SwiGLU ")
                .append(o.intermediate()).append(", tied embeddings, vocabulary ").append(o.vocab())
                .append(") trained from scratch by `marft pretrain` to play the arith task (repository README, \"The arith task\") as a ")
                .append("planner → solver team (`configs/arith_dual.json`) or alone (`configs/arith_solo.json`), imitating a noisy teacher.\n\n");
        made(sb, out, o, s, command, arithData(o));
        if (f != null) {
            sb.append("## Measured (held-out problems, one attempt each, `ai.marft.eval.Evaluator`)\n\n");
            sb.append(String.format(Locale.ROOT, "First %d problems of `marft arith-dataset --seed %d`, top-k %d, at most %d new tokens. "
                    + "Rollout temperature: %.1f (the reference's and the RL trainer's default).\n\n", f.problems(), f.heldOutSeed(), CardEval.TOP_K,
                    CardEval.MAX_NEW_TOKENS, CardEval.ROLLOUT_TEMPERATURE));
            sb.append("| team | temperature | accuracy | 95% CI | well-formed per agent (Evaluator) | grammatical per agent |\n| --- | --- | --- | --- | --- | --- |\n");
            for (CardEval.Measure m : new CardEval.Measure[]{f.dual(), f.dualT1(), f.solo()}) {
                double[] ci = m.report().ci95();
                StringBuilder wf = new StringBuilder(), gr = new StringBuilder();
                for (int i = 0; i < m.roles().size(); i++) {
                    String sep = i == 0 ? "" : ", ";
                    wf.append(sep).append(String.format(Locale.ROOT, "%s %.3f", m.roles().get(i), m.report().wellFormed()[i]));
                    gr.append(sep).append(String.format(Locale.ROOT, "%s %.3f", m.roles().get(i), m.grammatical()[i]));
                }
                sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.3f | [%.3f, %.3f] | %s | %s |\n", m.team(), m.temperature(),
                        m.report().accuracy(), ci[0], ci[1], wf, gr));
            }
            sb.append("\nWell-formed: the graded agent stated a `\\boxed{}` answer; the planner wrote a non-blank turn ended by `<|im_end|>`. "
                    + "Grammatical: a plan is `a * b = c, ..., so x ± y ...`; an answer is `x ± y = z, ..., \\boxed{integer}`.\n");
        }
        save(out, sb, json(o, s, f, command));
    }

    /** A router model's card ({@link RouterTeacher}): what it imitates, how it was made, the share of each call it writes. */
    public static void writeRouter(Path out, PretrainOptions o, Pretrainer.Summary s, RouterTeacher router, Path profiles,
                                   List<CardEval.RouterMeasure> measures, int problems, String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(out.toAbsolutePath().normalize().getFileName()).append(": a router model\n\n");
        sb.append("A ").append(String.format(Locale.ROOT, "%,d", s.parameters())).append("-parameter Llama-architecture causal LM (hidden ")
                .append(o.hidden()).append(", ").append(o.layers()).append(o.layers() == 1 ? " layer, " : " layers, ").append(o.heads()).append(" heads, SwiGLU ")
                .append(o.intermediate()).append(", tied embeddings) trained from scratch by `marft pretrain --router-profiles` to write the turns of the router '")
                .append(router.role()).append("' of `").append(profiles).append("` (docs/flexmg.md): at every step one of ")
                .append(String.join(" / ", router.calls().stream().map(c -> "`" + c + "`").toList()))
                .append(", uniformly at random, so it starts with no preference and RL decides which route pays.\n\n");
        made(sb, out, o, s, command, String.format(Locale.ROOT, "- Data: the router's turn at every step of teacher episodes on fresh problems (the arith "
                + "teacher's episodes, %.0f%% solo, up to %d steps, so later states carry the judge's lines); the call drawn uniformly among the %d above. "
                + "Loss: cross-entropy on the router's turn and its end token only.\n", 100 * o.soloShare(), o.horizon(), router.calls().size()));
        ObjectNode json = json(o, s, null, command);
        if (!measures.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "## Measured (first step of the first %d held-out problems, `marft arith-dataset --seed %d`, top-k %d)%n%n",
                    problems, o.heldOutSeed(), CardEval.TOP_K));
            java.util.Set<String> union = new java.util.LinkedHashSet<>();
            measures.forEach(m -> union.addAll(m.shares().keySet()));
            List<String> keys = List.copyOf(union);
            sb.append("| temperature | ").append(String.join(" | ", keys)).append(" |\n|").append(" --- |".repeat(keys.size() + 1)).append("\n");
            ObjectNode e = json.putObject("router_calls");
            for (CardEval.RouterMeasure m : measures) {
                sb.append(String.format(Locale.ROOT, "| %.1f |", m.temperature()));
                ObjectNode one = e.putObject("T=" + m.temperature());
                for (String k : keys) {
                    double v = m.shares().getOrDefault(k, 0.0);
                    sb.append(String.format(Locale.ROOT, " %.3f |", v));
                    one.put(k, v);
                }
                sb.append("\n");
            }
        }
        save(out, sb, json);
    }

    private static void save(Path out, StringBuilder card, ObjectNode json) {
        try {
            Files.writeString(out.resolve("README.md"), card.toString());
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.resolve("pretrain.json").toFile(), json);
        } catch (IOException e) {
            throw new InputError("cannot write the model card in " + out + " (" + e.getMessage() + ")");
        }
    }

    /** The "How it was made" section: command, training, the data line given, held-out problems, final loss, size. */
    private static void made(StringBuilder sb, Path out, PretrainOptions o, Pretrainer.Summary s, String command, String dataLine) {
        sb.append("## How it was made\n\n");
        sb.append("- Command: `").append(command).append("` (seed ").append(o.seed()).append(")\n");
        sb.append(String.format(Locale.ROOT, "- Training: %d of %d AdamW steps (peak lr %.0e, %d warm-up steps, cosine to lr/10, weight decay %.2g, grad-norm clip %.1f), "
                        + "about %d padded tokens per step, %.1f minutes on this machine's 2 CPU cores (shared with other jobs while it ran)%s\n",
                s.steps(), s.plannedSteps(), o.lr(), o.warmupSteps(), o.weightDecay(), Pretrainer.MAX_GRAD_NORM, o.batchTokens(), s.seconds() / 60,
                (s.steps() < s.plannedSteps() ? "; STOPPED EARLY by --minutes" : "")
                        + (s.skippedUpdates() > 0 ? "; " + s.skippedUpdates() + " updates skipped for a non-finite gradient" : "")));
        sb.append(dataLine);
        sb.append(String.format(Locale.ROOT, "- Held out: `marft arith-dataset --n %d --seed %d`; training skipped every problem with the same text (%d skipped).\n",
                o.heldOut(), o.heldOutSeed(), s.heldOutSkipped()));
        sb.append(String.format(Locale.ROOT, "- Final loss: train %.4f (last batch), held-out transcripts %.4f; curve in `loss.csv`.\n", s.trainLoss(), s.heldOutLoss()));
        sb.append(String.format(Locale.ROOT, "- Size: %,d parameters, %.1f MB on disk (fp32 safetensors).\n\n", s.parameters(), folderBytes(out) / 1e6));
    }

    /** The arith model's data line: the teacher's teams and rates. */
    private static String arithData(PretrainOptions o) {
        return String.format(Locale.ROOT, "- Data: fresh problems every step (never repeated, generated on the fly from the seed), %.0f%% played by the solo team, "
                        + "the rest by planner → solver, episodes of up to %d steps (later steps see the judge's lines). Teacher: plan right %.2f, "
                        + "answer right after a right plan %.2f, fix of a wrong plan %.2f, solo right %.2f; wrong turns are plausible mistakes "
                        + "(%s). Loss: cross-entropy on each agent's own turn and its end token only.\n",
                100 * o.soloShare(), o.horizon(), o.plannerRight(), o.solverRight(), o.fixRate(), o.soloRight(),
                o.slips() ? "product slip, wrong order, sign flip, chain slip, right-to-left, stopping early"
                        : "wrong procedures carried out with exact arithmetic: wrong order, sign flip, right-to-left, stopping early, following a wrong plan; no arithmetic slips");
    }

    private static ObjectNode json(PretrainOptions o, Pretrainer.Summary s, CardEval.Figures f, String command) {
        ObjectNode j = Json.MAPPER.createObjectNode();
        j.put("command", command);
        j.set("options", o.toJson());
        j.set("summary", Json.MAPPER.valueToTree(s));
        if (f != null) {
            ObjectNode e = j.putObject("eval");
            for (CardEval.Measure m : new CardEval.Measure[]{f.dual(), f.dualT1(), f.solo()}) {
                ObjectNode r = m.report().toJson();
                ObjectNode g = r.putObject("grammatical");
                for (int i = 0; i < m.roles().size(); i++) g.put(m.roles().get(i), m.grammatical()[i]);
                e.set(m.team() + " T=" + m.temperature(), r);
            }
        }
        return j;
    }

    private static long folderBytes(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
