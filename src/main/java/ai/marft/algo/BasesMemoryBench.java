package ai.marft.algo;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.lm.LmEngine;
import ai.marft.lm.LoraConfig;
import ai.marft.lm.LoraTarget;
import ai.marft.lm.ProcessMemory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Resident memory of a two-agent team on one base versus on two bases ({@link TeamEngines}): how much
 * RSS each layout adds over the process before it, against the weight bytes of the bases (the
 * .safetensors files). Flex-MG's claim: a second agent on the same base costs its adapter only; a
 * second base costs about its weights. RSS moves in allocator-sized steps, so each layout is loaded
 * {@code runs} times (closed, collected and trimmed in between) and medians are reported.
 */
public final class BasesMemoryBench {
    private BasesMemoryBench() {}

    public static ObjectNode run(Path a, Path b, int runs) {
        for (Path p : List.of(a, b))
            if (!Files.isRegularFile(p.resolve("config.json"))) throw new InputError("--model " + p + ": not a model folder (no config.json)");
        try (LmEngine warm = LmEngine.load(a)) { // PyTorch's own start-up memory is not a base's
            warm.model().config();
        }
        long[] one = new long[runs], two = new long[runs];
        for (int r = 0; r < runs; r++) {
            one[r] = added(List.of(a, a));
            two[r] = added(List.of(a, b));
        }
        long bytesA = weightBytes(a), bytesB = weightBytes(b);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("base_a", a.toString()).put("base_b", b.toString()).put("runs", runs);
        o.put("weight_bytes_a", bytesA).put("weight_bytes_b", bytesB);
        o.put("rss_added_one_base_bytes", median(one)).put("rss_added_two_bases_bytes", median(two));
        o.put("one_base_over_weights_a", (double) median(one) / bytesA);
        o.put("two_bases_over_weights_a_plus_b", (double) median(two) / (bytesA + bytesB));
        o.put("second_base_cost_over_weights_b", (double) (median(two) - median(one)) / bytesB);
        return o;
    }

    /** RSS the engines of {@code bases} add (each distinct base once), with an adapter per agent as training has. */
    private static long added(List<Path> bases) {
        settle();
        long before = ProcessMemory.rss();
        try (TeamEngines e = TeamEngines.load(bases, null)) {
            for (int i = 0; i < bases.size(); i++)
                e.agent(i).adapters().create("agent" + i, new LoraConfig(8, 16, List.of(LoraTarget.of("q_proj"), LoraTarget.of("v_proj"))), i);
            settle();
            return ProcessMemory.rss() - before;
        }
    }

    private static void settle() {
        System.gc();
        ProcessMemory.trimNativeHeap();
    }

    private static long weightBytes(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir, e);
        }
    }

    private static long median(long[] x) {
        long[] s = x.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
