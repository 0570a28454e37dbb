package ai.marft.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a team with a router was routed over an evaluation (docs/flexmg.md): per route, the share of the
 * routed steps (every step of every episode) that took it, named as the training metrics name it
 * ({@code planner+solver}), how often a step of that route ended with a correct answer, and how many
 * steps fell back to the default route because the router's action was malformed (those count under
 * the default route too).
 *
 * @param steps     routed steps (the router acts at every step)
 * @param taken     route -> steps that took it
 * @param correct   route -> steps that took it and whose answer was correct
 * @param fallbacks steps whose routing action was malformed
 */
public record Routing(long steps, Map<String, Long> taken, Map<String, Long> correct, long fallbacks) {
    public Routing {
        taken = new TreeMap<>(taken);
        correct = new TreeMap<>(correct);
    }

    /** The label of a route, as in the training metrics' {@code route_<label>}: roles joined by '+'. */
    public static String label(java.util.List<String> route) {
        return String.join("+", route);
    }

    /** Share of the routed steps that took {@code label}. */
    public double share(String label) {
        return steps == 0 ? 0 : (double) taken.getOrDefault(label, 0L) / steps;
    }

    /** Share of the steps that took {@code label} whose answer was correct. */
    public double accuracy(String label) {
        long n = taken.getOrDefault(label, 0L);
        return n == 0 ? 0 : (double) correct.getOrDefault(label, 0L) / n;
    }

    /** Table lines: each route's share and accuracy, then the fallbacks. */
    String table() {
        StringBuilder sb = new StringBuilder("routes       share of " + steps + " routed steps, accuracy of the steps that took it\n");
        int width = taken.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (String r : taken.keySet())
            sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %.4f  accuracy %.4f (%d/%d)%n", r, share(r), accuracy(r),
                    correct.getOrDefault(r, 0L), taken.get(r)));
        sb.append(String.format(Locale.ROOT, "router fell back to its default route  %d (%.4f)%n", fallbacks, steps == 0 ? 0 : (double) fallbacks / steps));
        return sb.toString();
    }

    /** {@code {steps, fallbacks, routes: {label: share}, accuracy: {label: share correct}}}. */
    void toJson(ObjectNode o) {
        o.put("steps", steps).put("fallbacks", fallbacks);
        ObjectNode r = o.putObject("routes"), a = o.putObject("accuracy");
        for (String label : taken.keySet()) {
            r.put(label, share(label));
            a.put(label, accuracy(label));
        }
    }
}
