package org.melanoscreen.store;

import org.melanoscreen.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A committed screening: its row in the index and the folder holding its files.
 *
 * @param folder absolute path of the screening's folder in the data folder
 * @param files  every file of the folder, {@code result.json} included, with the size and SHA-256 committed
 */
public record StoredScreening(long id, Instant time, String deviceId, String patientRef, String lesionRef,
                              String risk, Double melanomaProbability, String resultJson, Map<String, String> models,
                              String softwareVersion, Path folder, List<StoredFile> files) {
    public StoredScreening {
        models = Map.copyOf(models);
        files = List.copyOf(files);
    }

    public Path file(String name) {
        return folder.resolve(name);
    }

    /** The stored file {@code name} read whole, refused unless it matches the size and SHA-256 committed with it. */
    public byte[] read(String name) throws StoreException {
        StoredFile f = files.stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new StoreException(name + " was not stored with it"));
        byte[] content;
        try {
            content = Files.readAllBytes(file(name));
        } catch (IOException e) {
            throw new StoreException(name + " cannot be read (" + DurableFiles.reason(e) + ")", e);
        }
        if (!DurableFiles.sha256(content).equals(f.sha256())) {
            throw new StoreException(name + " differs from what was stored (SHA-256 mismatch)");
        }
        return content;
    }

    /** The JSON form shared by {@code results list --json}, {@code results show --json} and the export. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", id);
        o.put("time", time.toString());
        o.put("device_id", deviceId);
        o.put("patient_ref", patientRef);
        o.put("lesion_ref", lesionRef);
        o.put("risk", risk);
        if (melanomaProbability == null) {
            o.putNull("melanoma_probability");
        } else {
            o.put("melanoma_probability", melanomaProbability);
        }
        o.put("software_version", softwareVersion);
        ObjectNode m = o.putObject("models");
        models.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> m.put(e.getKey(), e.getValue()));
        o.put("folder", folder.getFileName().toString());
        ArrayNode f = o.putArray("files");
        for (StoredFile file : files) {
            f.addObject().put("name", file.name()).put("size", file.size()).put("sha256", file.sha256());
        }
        try {
            o.set("result", Json.MAPPER.readTree(resultJson));
        } catch (JsonProcessingException e) {
            // save() accepts only JSON objects, so only a hand-edited database gets here: show it, do not fail
            o.put("result", resultJson);
        }
        return o;
    }
}
