package org.melanoscreen.app;

import org.melanoscreen.export.dicom.DicomExporter;
import org.melanoscreen.export.dicom.DicomSettings;
import org.melanoscreen.export.dicomweb.PacsSettings;
import org.melanoscreen.export.dicomweb.StowRsDestination;
import org.melanoscreen.export.fhir.FhirDestination;
import org.melanoscreen.export.fhir.FhirSettings;
import org.melanoscreen.outbox.Credentials;
import org.melanoscreen.outbox.DeliveryException;
import org.melanoscreen.outbox.Destination;
import org.melanoscreen.outbox.OutboxSender;
import org.melanoscreen.outbox.OutboxSettings;
import org.melanoscreen.store.ResultStore;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The outbox's destinations and sender as the configuration describes them, for {@code run} and {@code selftest}. */
final class OutboxParts {
    private static final String FHIR = "fhir";

    private OutboxParts() {
    }

    /**
     * The configured destinations' names ("pacs" when {@code pacs.url} is set, "fhir" when {@code fhir.url} is), in
     * sending order.
     */
    static List<String> names(ServiceConfig config) {
        List<String> names = new ArrayList<>();
        if (PacsSettings.parse(config.effective()).enabled()) {
            names.add(StowRsDestination.NAME);
        }
        if (FhirSettings.parse(config.effective()).enabled()) {
            names.add(FHIR);
        }
        return names;
    }

    /**
     * The configured destinations, with their secrets from the credentials file (read only when one needs it).
     *
     * @throws IllegalArgumentException a setup error: the credentials file or a secret or trust store in it
     */
    static List<Destination> destinations(ServiceConfig config) {
        List<Destination> destinations = new ArrayList<>();
        List<String> names = names(config);
        if (names.contains(StowRsDestination.NAME)) {
            destinations.add(pacs(config));
        }
        if (names.contains(FHIR)) {
            destinations.add(ClinicNetwork.fhir(config));
        }
        return destinations;
    }

    /** What {@code selftest} says of a destination that passed its check. */
    static String describe(Destination d) throws DeliveryException {
        if (d instanceof StowRsDestination pacs) {
            return pacs.describe();
        }
        return d instanceof FhirDestination fhir ? fhir.describeServer() : d.name() + " reachable";
    }

    /** The sender for {@code destinations}, over its own connection to the store in {@code dataFolder}. */
    static OutboxSender sender(ServiceConfig config, Path dataFolder, List<Destination> destinations) {
        return new OutboxSender(() -> ResultStore.openShared(dataFolder), destinations,
                OutboxSettings.parse(config.effective()), Clock.systemUTC());
    }

    private static StowRsDestination pacs(ServiceConfig config) {
        PacsSettings settings = PacsSettings.parse(config.effective());
        boolean secrets = settings.auth() != PacsSettings.Auth.NONE || settings.trustStore() != null;
        Path file = OutboxSettings.parse(config.effective()).credentialsFile();
        return new StowRsDestination(settings, secrets ? Credentials.load(file) : Credentials.none(file),
                new DicomExporter(DicomSettings.parse(config.effective())));
    }
}
