package ai.marft.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which chart each metrics column goes on, and under which heading. A family names a column and
 * its per-agent variants ({@code approx_kl} holds {@code approx_kl_planner}, {@code approx_kl_solver});
 * families are tried in order, so {@code tokens_per_s} is claimed before {@code tokens}. Columns no
 * family claims still get a chart each under "Other": every column of the file is shown.
 */
public final class MetricGroups {
    /** One chart: its series (raw plus smoothed each), and an optional band from two columns. */
    public record Panel(String title, List<String> series, String bandLow, String bandHigh) {
        public boolean hasBand() {
            return bandLow != null;
        }
    }

    /** A heading and its charts. */
    public record Section(String title, List<Panel> panels) {}

    private record Family(String section, String title, List<String> prefixes, String band) {}

    private static final List<Family> FAMILIES = List.of(
            new Family("Reward and accuracy", "reward per step (mean)", List.of("reward_mean"), null),
            new Family("Reward and accuracy", "episodic return", List.of("episodic_return"), null),
            new Family("Reward and accuracy", "training accuracy (episodes that ended)", List.of("accuracy"), null),
            new Family("Reward and accuracy", "eval accuracy with 95% CI", List.of("eval_accuracy"), "eval_ci95"),
            new Family("Policy", "policy loss", List.of("policy_loss"), null),
            new Family("Policy", "approx KL (to the rollout policy)", List.of("approx_kl"), null),
            new Family("Policy", "clip fraction", List.of("clip_fraction"), null),
            new Family("Policy", "entropy", List.of("entropy"), null),
            new Family("Policy", "first-minibatch |ratio − 1|", List.of("first_ratio_dev"), null),
            new Family("Policy", "policy steps skipped (KL early stop)", List.of("policy_steps_skipped"), null),
            new Family("KL to the base model", "KL to base", List.of("kl_to_base"), null),
            new Family("Gradients and critic", "grad norm (before clipping)", List.of("grad_norm"), null),
            new Family("Gradients and critic", "value loss", List.of("value_loss"), null),
            new Family("Learning rates", "learning rates", List.of("lr", "critic_lr"), null),
            new Family("Throughput", "rollout tokens/s", List.of("tokens_per_s"), null),
            new Family("Throughput", "rollout tokens per iteration", List.of("tokens"), null),
            new Family("Throughput", "episodes per iteration", List.of("episodes", "eval_n"), null),
            new Family("Time per phase", "seconds per phase", List.of("seconds"), null),
            new Family("Memory", "memory (MiB)", List.of("rss_mb", "heap_mb"), null));

    private MetricGroups() {}

    /** The sections of {@code t}, in a fixed order, with only the columns that have at least one value. */
    public static List<Section> of(MetricsTable t) {
        Set<String> left = new LinkedHashSet<>();
        for (String n : t.names()) if (t.hasValues(n)) left.add(n);
        List<Section> sections = new ArrayList<>();
        for (Family f : FAMILIES) {
            String low = f.band() == null ? null : f.band() + "_low", high = f.band() == null ? null : f.band() + "_high";
            List<String> series = new ArrayList<>();
            for (String p : f.prefixes())
                for (String n : List.copyOf(left))
                    if (n.equals(p) || n.startsWith(p + "_") && !n.equals(low) && !n.equals(high)) {
                        series.add(n);
                        left.remove(n);
                    }
            if (series.isEmpty()) continue;
            boolean band = low != null && left.contains(low) && left.contains(high);
            if (band) {
                left.remove(low);
                left.remove(high);
            }
            add(sections, f.section(), new Panel(f.title(), series, band ? low : null, band ? high : null));
        }
        for (String n : left) add(sections, "Other", new Panel(n, List.of(n), null, null));
        return sections;
    }

    private static void add(List<Section> sections, String title, Panel p) {
        for (Section s : sections)
            if (s.title().equals(title)) {
                s.panels().add(p);
                return;
            }
        List<Panel> panels = new ArrayList<>();
        panels.add(p);
        sections.add(new Section(title, panels));
    }
}
