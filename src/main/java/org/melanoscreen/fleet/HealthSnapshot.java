package org.melanoscreen.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One health message: what a clinic's fleet view shows about a device. It holds no patient or lesion reference and
 * no result; only the device's own state.
 *
 * @param statesSinceLast every state the device entered since the previous health message, oldest first (the last
 *                        is {@code state}; empty when it has not changed): a FAULT that cleared before the message was
 *                        sent still shows; at most {@link ApplianceHealth#MAX_STATES_KEPT}, the most recent
 * @param faults          the faults the device has now (empty when none)
 * @param outbox          per destination, what is waiting to be sent
 * @param freeDiskBytes   free space of the data folder's disk; {@code null} when unknown
 * @param cpuTemperatureC the hottest thermal zone; {@code null} where none is readable
 * @param models          the model ids in use
 * @param screeningsToday screenings stored since local midnight
 */
public record HealthSnapshot(Instant time, String deviceId, String state, List<String> statesSinceLast,
                             List<FaultReport> faults,
                             Map<String, OutboxDepth.Queue> outbox, Long freeDiskBytes, Double cpuTemperatureC,
                             String softwareVersion, List<String> models, int screeningsToday) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A fault as the device's display names it, with what to do. */
    public record FaultReport(String fault, String detail, String action) {
    }

    public HealthSnapshot {
        statesSinceLast = List.copyOf(statesSinceLast);
        faults = List.copyOf(faults);
        outbox = Map.copyOf(outbox);
        models = List.copyOf(models);
    }

    public ObjectNode toJson() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("device_id", deviceId);
        o.put("time", time.toString());
        o.put("state", state);
        var passed = o.putArray("states_since_last");
        statesSinceLast.forEach(passed::add);
        var f = o.putArray("faults");
        faults.forEach(x -> f.addObject().put("fault", x.fault()).put("detail", x.detail()).put("action", x.action()));
        ObjectNode q = o.putObject("outbox");
        outbox.keySet().stream().sorted().forEach(name -> q.putObject(name)
                .put("pending", outbox.get(name).pending())
                .put("oldest_age_s", outbox.get(name).oldestAge().toSeconds()));
        if (freeDiskBytes == null) {
            o.putNull("free_disk_bytes");
        } else {
            o.put("free_disk_bytes", freeDiskBytes);
        }
        if (cpuTemperatureC == null) {
            o.putNull("cpu_temperature_c");
        } else {
            o.put("cpu_temperature_c", Math.round(cpuTemperatureC * 10) / 10.0);
        }
        o.put("software_version", softwareVersion);
        var m = o.putArray("models");
        models.forEach(m::add);
        o.put("screenings_today", screeningsToday);
        return o;
    }
}
