package org.melanoscreen.app;

import org.melanoscreen.export.dicom.DicomSettings;
import org.melanoscreen.export.fhir.FhirDestination;
import org.melanoscreen.export.fhir.FhirSettings;
import org.melanoscreen.fleet.ApplianceHealth;
import org.melanoscreen.fleet.CpuTemperature;
import org.melanoscreen.fleet.HealthPublisher;
import org.melanoscreen.fleet.MqttSettings;
import org.melanoscreen.fleet.OutboxDepth;
import org.melanoscreen.outbox.Credentials;
import org.melanoscreen.outbox.OutboxSettings;
import org.melanoscreen.store.OutboxStatus;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;
import org.melanoscreen.workflow.Appliance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The FHIR server and the fleet's MQTT broker as the service and {@code selftest} reach them from the configuration. */
final class ClinicNetwork {
    private ClinicNetwork() {
    }

    /**
     * The secrets of the FHIR server and the broker ({@code fhir.password}, {@code fhir.token},
     * {@code mqtt.password}, {@code mqtt.trust_store_password}) from the credentials file
     * ({@code outbox.credentials_file}), read only when a configured server needs one.
     *
     * @throws IllegalArgumentException a setup error: the credentials file is missing or open to others
     */
    static Map<String, String> secrets(ServiceConfig config) {
        FhirSettings fhir = FhirSettings.parse(config.effective());
        MqttSettings mqtt = MqttSettings.parse(config.effective());
        boolean needed = fhir.enabled() && fhir.auth() != FhirSettings.Auth.NONE
                || mqtt.enabled() && (mqtt.username() != null || mqtt.trustStore() != null);
        return needed ? Credentials.load(OutboxSettings.parse(config.effective()).credentialsFile()).secrets()
                : Map.of();
    }

    /** The FHIR destination the outbox sends to. */
    static FhirDestination fhir(ServiceConfig config) {
        return new FhirDestination(FhirSettings.parse(config.effective()), DicomSettings.parse(config.effective()),
                secrets(config));
    }

    /** The {@code selftest} check of the fleet's broker (the FHIR server is checked as an outbox destination). */
    static List<SelftestCommand.Check> checks(ServiceConfig config) {
        MqttSettings mqtt = MqttSettings.parse(config.effective());
        List<SelftestCommand.Check> checks = new java.util.ArrayList<>();
        if (mqtt.enabled()) {
            checks.add(new SelftestCommand.Check("mqtt", () -> HealthPublisher.check(mqtt, config.text("device.id"),
                    secrets(config))));
        }
        return checks;
    }

    /**
     * Starts the fleet view's health publisher for {@code appliance} when {@code mqtt.url} is set (else null): told
     * of every state change, it publishes on its own thread.
     */
    static HealthPublisher startFleetView(ServiceConfig config, Path dataFolder, Appliance appliance,
                                          String softwareVersion) {
        MqttSettings mqtt = MqttSettings.parse(config.effective());
        if (!mqtt.enabled()) {
            return null;
        }
        String deviceId = config.text("device.id");
        Clock clock = Clock.systemDefaultZone();
        ApplianceHealth health = new ApplianceHealth(deviceId, softwareVersion,
                Arrays.stream(ServiceParts.modelIds(config).split(" ")).filter(s -> !s.isEmpty()).toList(),
                dataFolder, outboxDepth(dataFolder, clock), CpuTemperature.system(), clock,
                screeningsToday(dataFolder, clock));
        HealthPublisher publisher;
        try {
            publisher = HealthPublisher.start(mqtt, deviceId, secrets(config), health);
        } catch (IllegalArgumentException e) {
            throw new SetupException(e.getMessage(), e);
        }
        health.onChange(publisher::publishNow);
        appliance.addListener(health);
        return publisher;
    }

    /** Each destination's queue in the store (read over a shared connection of its own; none when unreadable). */
    static OutboxDepth outboxDepth(Path dataFolder, Clock clock) {
        return () -> {
            java.util.Map<String, OutboxDepth.Queue> depths = new java.util.LinkedHashMap<>();
            try (ResultStore store = ResultStore.openShared(dataFolder)) {
                for (OutboxStatus s : store.outboxStatus()) {
                    Duration age = s.oldestPendingAge(clock.instant());
                    // none pending: the store has no age, the health message says 0
                    depths.put(s.destination(), new OutboxDepth.Queue(s.depth(), age == null ? Duration.ZERO
                            : age));
                }
            } catch (StoreException e) {
                return Map.of();
            }
            return depths;
        };
    }

    /** Screenings the store already holds from today (the service may have restarted); 0 before the first. */
    static int screeningsToday(Path dataFolder, Clock clock) {
        if (!Files.isRegularFile(dataFolder.resolve("results.db"))) {
            return 0;
        }
        ZoneId zone = clock.getZone();
        try (ResultStore store = ResultStore.openShared(dataFolder)) {
            return store.list(LocalDate.now(clock).atStartOfDay(zone).toInstant(), Integer.MAX_VALUE).size();
        } catch (StoreException e) {
            return 0;
        }
    }
}
