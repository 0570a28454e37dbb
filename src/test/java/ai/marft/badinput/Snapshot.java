package ai.marft.badinput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Every path under a folder with its kind, size, modification time and SHA-256: equal snapshots, nothing changed. */
final class Snapshot {
    private Snapshot() {}

    static Map<String, String> of(Path dir) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(dir)) return out;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                String rel = dir.relativize(p).toString();
                out.put(rel, a.isDirectory() ? "dir" : a.size() + " bytes, modified " + a.lastModifiedTime() + ", sha256 " + sha256(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** What differs between two snapshots: "added P", "removed P", "changed P: before -> after". */
    static List<String> changes(Map<String, String> before, Map<String, String> after) {
        List<String> out = new ArrayList<>();
        before.forEach((p, v) -> {
            if (!after.containsKey(p)) out.add("removed " + p);
            else if (!after.get(p).equals(v)) out.add("changed " + p + ": " + v + " -> " + after.get(p));
        });
        after.keySet().stream().filter(p -> !before.containsKey(p)).forEach(p -> out.add("added " + p));
        return out;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
