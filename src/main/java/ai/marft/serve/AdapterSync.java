package ai.marft.serve;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.lm.AdapterSet;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Puts the trainer's current adapters on the rollout servers: writes each agent's adapter (PEFT) to
 * {@code syncDir/<role>@<version>} (a folder the servers can read at the same path: a shared disk),
 * has every server load it ({@code POST /v1/load_lora_adapter}), then unloads every other version of
 * those roles the server holds (a previous trainer's too, after a resume) and deletes their folders.
 * Versioned names let a server hold the new adapter before the old one is gone, and never serve a
 * half-written folder (each is written under a temporary name and renamed).
 */
public final class AdapterSync {
    private final Path syncDir;
    private final List<URI> servers;
    private final String baseModelNameOrPath;
    private final ServerClient client;
    private Map<String, String> current = Map.of(); // role -> served name

    /**
     * @param baseModelNameOrPath written into each adapter_config.json (PEFT's base_model_name_or_path)
     * @param timeout             per load/unload request
     */
    public AdapterSync(Path syncDir, List<URI> servers, String baseModelNameOrPath, Duration timeout) {
        if (servers.isEmpty()) throw new InputError("rollout_servers is empty: give at least one server URL");
        this.syncDir = syncDir.toAbsolutePath();
        this.servers = List.copyOf(servers);
        this.baseModelNameOrPath = baseModelNameOrPath;
        this.client = new ServerClient(timeout);
    }

    /** {@code role@version}, the served name of a role's adapter after {@code version} updates. */
    public static String servedName(String role, long version) {
        return role + "@" + version;
    }

    /**
     * Publishes {@code roles}' adapters of {@code adapters} as version {@code version}.
     *
     * @return role -> served name, for {@link RemoteGenerator#route}
     * @throws InputError "no rollout server left: ..." when no server loaded them
     */
    public Map<String, String> publish(AdapterSet adapters, List<String> roles, long version) {
        Map<String, String> next = new LinkedHashMap<>();
        Map<String, Path> dirs = new LinkedHashMap<>();
        for (String role : roles) {
            String name = servedName(role, version);
            Path dir = syncDir.resolve(name);
            write(dir, d -> adapters.get(role).save(d, baseModelNameOrPath));
            next.put(role, name);
            dirs.put(name, dir);
        }
        List<String> failed = new ArrayList<>();
        int loaded = 0;
        for (URI s : servers) {
            try {
                // what the server holds of these roles, a previous trainer's versions included (after a resume or a crash)
                List<String> held = versionsHeld(s, roles);
                for (var e : dirs.entrySet()) {
                    if (held.contains(e.getKey())) unload(s, e.getKey()); // the same version again: its folder was rewritten
                    client.post(s, "/v1/load_lora_adapter", Json.MAPPER.createObjectNode().put("lora_name", e.getKey()).put("lora_path", e.getValue().toString()));
                }
                for (String old : held) if (!next.containsValue(old)) unload(s, old);
                loaded++;
            } catch (ServerClient.Unavailable e) {
                failed.add(e.getMessage());
            }
        }
        if (loaded == 0) throw new InputError("no rollout server left: " + String.join("; ", failed));
        if (!failed.isEmpty()) System.err.println("marft: adapters " + next.values() + " not loaded on: " + String.join("; ", failed));
        try (Stream<Path> files = Files.list(syncDir)) { // older versions' folders, once every server has switched
            for (Path f : files.toList()) if (isVersionOf(f.getFileName().toString(), roles) && !next.containsValue(f.getFileName().toString())) delete(f);
        } catch (IOException e) {
            throw new InputError("adapter_sync_dir " + syncDir + ": cannot list (" + e.getMessage() + ")");
        }
        current = next;
        return Map.copyOf(next);
    }

    private List<String> versionsHeld(URI server, List<String> roles) throws ServerClient.Unavailable {
        List<String> held = new ArrayList<>();
        for (JsonNode m : client.get(server, "/v1/models").path("data")) {
            String id = m.path("id").asText();
            if (isVersionOf(id, roles)) held.add(id);
        }
        return held;
    }

    /** True for {@code role@N} of one of the roles. */
    private static boolean isVersionOf(String name, List<String> roles) {
        int at = name.lastIndexOf('@');
        return at > 0 && roles.contains(name.substring(0, at)) && name.substring(at + 1).matches("\\d+");
    }

    private void unload(URI server, String name) {
        try {
            client.post(server, "/v1/unload_lora_adapter", Json.MAPPER.createObjectNode().put("lora_name", name));
        } catch (ServerClient.Unavailable | InputError e) {
            // already gone there: nothing to free
        }
    }

    /** Role -> served name of the last publish (empty before the first). */
    public Map<String, String> current() {
        return current;
    }

    private interface DirWriter {
        void write(Path dir) throws IOException;
    }

    /** Writes into a temporary sibling, then renames it to {@code dir} (replacing a leftover of a crashed run). */
    private static void write(Path dir, DirWriter w) {
        Path tmp = dir.resolveSibling("." + dir.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir.getParent());
            delete(tmp);
            w.write(tmp);
            delete(dir);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir);
            }
        } catch (IOException e) {
            throw new InputError("adapter_sync_dir " + dir.getParent() + ": cannot write " + dir.getFileName() + " (" + e.getMessage() + ")");
        }
    }

    private static void delete(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
