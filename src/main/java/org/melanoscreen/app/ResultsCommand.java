package org.melanoscreen.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.melanoscreen.json.Json;
import org.melanoscreen.export.FolderExporter;
import org.melanoscreen.export.ScreeningExporter;
import org.melanoscreen.export.dicom.DicomExporter;
import org.melanoscreen.export.dicom.DicomSettings;
import org.melanoscreen.store.ExportSummary;
import org.melanoscreen.store.OutboxStatus;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;
import org.melanoscreen.store.StoredFile;
import org.melanoscreen.store.StoredScreening;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * The {@code results} command and its five subcommands (list, show, export, verify, sync), each a small nested class
 * over the store (about 360 lines together, over the usual 350: they share the store-opening and formatting helpers).
 */
@Command(name = "results", mixinStandardHelpOptions = true,
        description = "The stored screening results: list, show, export (for a USB stick), verify, and sync (the "
                + "outbox to the clinic's servers). "
                + "Safe to run while the service is running.",
        subcommands = {ResultsCommand.ListCommand.class, ResultsCommand.ShowCommand.class,
                ResultsCommand.ExportCommand.class, ResultsCommand.VerifyCommand.class, ResultsCommand.SyncCommand.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:done", "1:an id not found, an export failed or verify found problems",
                "2:usage or setup error"})
final class ResultsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "The results data folder (default: ./melanoscreen-data where it exists, a demo's; else "
                    + "/var/lib/melanoscreen, the installed service's).")
    Path dataDir;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: list, show, export, verify or sync");
    }

    ResultStore open() {
        try {
            DataFolder folder = DataFolder.resolve(dataDir, "--data-dir", false);
            System.err.println(folder.describe());
            return ResultStore.openShared(folder.path());
        } catch (StoreException e) {
            throw new SetupException(e.getMessage(), e);
        }
    }

    /** Work on the opened store. */
    @FunctionalInterface
    interface StoreWork<T> {
        T apply(ResultStore store) throws Exception;
    }

    /** Runs {@code work} on the store and closes it; a store that cannot be read is a setup error (exit 2). */
    <T> T withStore(StoreWork<T> work) throws Exception {
        try (ResultStore store = open()) {
            return work.apply(store);
        } catch (StoreException e) {
            throw new SetupException(e.getMessage(), e);
        }
    }

    private static String probability(Double p) {
        return p == null ? "-" : String.format(Locale.ROOT, "%.3f", p);
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Stored screenings, newest first.")
    static final class ListCommand implements Callable<Integer> {
        private static final String FORMAT = "%6s  %-20s %-6s %7s  %-20s %-16s %s";

        @Spec
        CommandSpec spec;

        @ParentCommand
        ResultsCommand parent;

        @Option(names = "--since", paramLabel = "TIME", converter = TimeConverter.class,
                description = "Only screenings from this ISO-8601 time or date (UTC) on.")
        Instant since;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
                description = "At most N screenings (default ${DEFAULT-VALUE}).")
        int limit;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() throws Exception {
            if (limit < 1) {
                throw new ParameterException(spec.commandLine(), "--limit must be at least 1, not " + limit);
            }
            List<StoredScreening> found = parent.withStore(store -> store.list(since, limit));
            PrintStream out = System.out;
            if (output.json) {
                found.forEach(s -> out.println(s.toJson()));
                return 0;
            }
            out.println(String.format(Locale.ROOT, FORMAT, "id", "time (UTC)", "risk", "p(mel)", "patient", "lesion",
                    "software"));
            for (StoredScreening s : found) {
                out.println(String.format(Locale.ROOT, FORMAT, s.id(), s.time().truncatedTo(ChronoUnit.SECONDS),
                        s.risk(), probability(s.melanomaProbability()), orDash(s.patientRef()),
                        orDash(s.lesionRef()), s.softwareVersion()));
            }
            System.err.printf(Locale.ROOT, "%d screening(s)%n", found.size());
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Everything stored about screenings: fields, models, files with SHA-256, and the result.")
    static final class ShowCommand implements Callable<Integer> {
        @ParentCommand
        ResultsCommand parent;

        @Parameters(arity = "1..*", paramLabel = "ID")
        List<Long> ids;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() throws Exception {
            int failed = parent.withStore(store -> {
                int missing = 0;
                for (long id : ids) {
                    var found = store.get(id);
                    if (found.isEmpty()) {
                        missing++;
                        output.error(Long.toString(id), "screening " + id + ": not found in " + store.dataFolder());
                    } else if (output.json) {
                        System.out.println(found.get().toJson());
                    } else {
                        print(found.get(), System.out);
                    }
                }
                return missing;
            });
            return failed == 0 ? 0 : 1;
        }

        private static void print(StoredScreening s, PrintStream out) throws Exception {
            out.println("screening " + s.id());
            line(out, "time", s.time().toString());
            line(out, "device", s.deviceId());
            line(out, "patient", orDash(s.patientRef()));
            line(out, "lesion", orDash(s.lesionRef()));
            line(out, "risk", s.risk());
            line(out, "p(melanoma)", probability(s.melanomaProbability()));
            line(out, "software", s.softwareVersion());
            for (Map.Entry<String, String> m : new TreeMap<>(s.models()).entrySet()) {
                line(out, "model", m.getKey() + "  sha256 " + m.getValue());
            }
            line(out, "folder", s.folder().toString());
            for (StoredFile f : s.files()) {
                line(out, "file", String.format(Locale.ROOT, "%-16s %10d bytes  sha256 %s", f.name(), f.size(),
                        f.sha256()));
            }
            line(out, "result", Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(s.toJson().get("result")).replace("\n", "\n" + " ".repeat(16)));
        }

        private static void line(PrintStream out, String label, String value) {
            out.printf(Locale.ROOT, "  %-13s %s%n", label, value);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Copy screenings to a new folder on a USB stick: screenings.csv, screenings.json "
                    + "and one folder of files per screening id, or with --format dicom one DICOM file per screening "
                    + "(<id>.dcm, for an image archive). Files are checked against their SHA-256; the folder appears "
                    + "only once the export is complete. From a damaged store it salvages what can be read and names "
                    + "the rest (exit 1).")
    static final class ExportCommand implements Callable<Integer> {
        /** What an export writes. */
        enum Format { folder, dicom }

        @ParentCommand
        ResultsCommand parent;

        @Option(names = "--to", paramLabel = "DIR", required = true,
                description = "The export folder: a new (or empty) folder in an existing one, such as the mount "
                        + "point of a USB stick.")
        Path to;

        @Option(names = "--same-disk", description = "Allow an export onto the data folder's own disk (by default "
                + "refused: a stick that is not mounted would otherwise fill the internal disk).")
        boolean sameDisk;

        @Option(names = "--since", paramLabel = "TIME", converter = TimeConverter.class,
                description = "Only screenings from this ISO-8601 time or date (UTC) on.")
        Instant since;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "folder",
                description = "folder (the stored files, default) or dicom (one Dermoscopic Photography or VL "
                        + "Photographic Image per screening, as the dicom.* keys of the configuration say).")
        Format format;

        @Option(names = "--config", paramLabel = "FILE",
                description = "Configuration file with the dicom.* keys (the installed service's: "
                        + "/etc/melanoscreen/melanoscreen.conf); without it, the built-in defaults.")
        Path configFile;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one configuration key.")
        Map<String, String> overrides = new LinkedHashMap<>();

        @Override
        public Integer call() {
            ScreeningExporter exporter = exporter();
            try (ResultStore store = parent.open()) {
                ExportSummary s = exporter.export(store, to, since, sameDisk);
                System.out.printf(Locale.ROOT, "exported %d screening(s), %d file(s), %d bytes to %s%n",
                        s.screenings(), s.files(), s.bytes(), s.folder());
                s.problems().forEach(p -> System.err.println("error: " + p));
                if (!s.problems().isEmpty()) {
                    System.err.printf(Locale.ROOT, "%d problem(s), listed in %s%n", s.problems().size(),
                            s.folder().resolve("problems.txt"));
                }
                return s.problems().isEmpty() ? 0 : Main.EXIT_INPUT_FAILED;
            } catch (StoreException e) {
                System.err.println("error: " + e.getMessage());
                return Main.EXIT_INPUT_FAILED;
            }
        }

        private ScreeningExporter exporter() {
            if (format == Format.folder) {
                return new FolderExporter();
            }
            try {
                return new DicomExporter(DicomSettings.parse(ServiceConfig.load(configFile, overrides).effective()));
            } catch (ServiceConfig.ConfigException | IllegalArgumentException e) {
                throw new SetupException(e.getMessage(), e);
            }
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = "The outbox per destination: pending (retrying after a failure), failed (with the "
                    + "server's reason), done, and how long the oldest pending screening has waited. Only screenings "
                    + "stored while a destination was configured are queued for it, unless --enqueue-all.")
    static final class SyncCommand implements Callable<Integer> {
        private static final String FORMAT = "%-12s %8s %9s %7s %8s  %s";

        @ParentCommand
        ResultsCommand parent;

        @Option(names = "--retry-now", description = "Make failed items and those waiting out a back-off due now "
                + "(the service sends them within seconds).")
        boolean retryNow;

        @Option(names = "--enqueue-all", paramLabel = "DEST", description = "Queue for DEST (e.g. pacs) every "
                + "stored screening not queued for it yet, such as those stored before it was configured.")
        String enqueueAll;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() throws Exception {
            Instant now = Instant.now();
            List<OutboxStatus> status = parent.withStore(store -> {
                if (enqueueAll != null) {
                    System.err.printf(Locale.ROOT, "%d stored screening(s) queued for %s%n",
                            store.outboxEnqueueAll(enqueueAll, now), enqueueAll);
                }
                if (retryNow) {
                    System.err.printf(Locale.ROOT, "%d item(s) made due now%n", store.outboxRetryNow(now));
                }
                return store.outboxStatus();
            });
            PrintStream out = System.out;
            if (output.json) {
                status.forEach(s -> out.println(json(s, now)));
                return 0;
            }
            out.println(String.format(Locale.ROOT, FORMAT, "destination", "pending", "retrying", "failed", "done",
                    "oldest pending"));
            for (OutboxStatus s : status) {
                Duration age = s.oldestPendingAge(now);
                out.println(String.format(Locale.ROOT, FORMAT, s.destination(), s.pending(), s.retrying(), s.failed(),
                        s.done(), age == null ? "-" : age.truncatedTo(ChronoUnit.SECONDS).toString().substring(2)
                                .toLowerCase(Locale.ROOT) + " (since " + s.oldestPending().truncatedTo(ChronoUnit.SECONDS)
                                + ")"));
                if (s.lastReason() != null) {
                    out.println("  retrying: " + s.lastReason());
                }
                for (OutboxStatus.Failure f : s.failures()) {
                    out.println("  failed: screening " + f.screeningId() + ": " + f.reason());
                }
            }
            System.err.printf(Locale.ROOT, "%d destination(s)%n", status.size());
            return 0;
        }

        private static ObjectNode json(OutboxStatus s, Instant now) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("destination", s.destination());
            o.put("pending", s.pending());
            o.put("retrying", s.retrying());
            o.put("failed", s.failed());
            o.put("done", s.done());
            if (s.oldestPending() == null) {
                o.putNull("oldest_pending");
                o.putNull("oldest_pending_age_s");
            } else {
                o.put("oldest_pending", s.oldestPending().toString());
                o.put("oldest_pending_age_s", s.oldestPendingAge(now).toSeconds());
            }
            o.put("last_reason", s.lastReason());
            ArrayNode failures = o.putArray("failures");
            s.failures().forEach(f -> failures.addObject().put("screening", f.screeningId()).put("reason", f.reason()));
            return o;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check every stored screening's files against the sizes and SHA-256 committed with it; "
                    + "prints one line per problem.")
    static final class VerifyCommand implements Callable<Integer> {
        @ParentCommand
        ResultsCommand parent;

        @Override
        public Integer call() throws Exception {
            List<String> problems = parent.withStore(ResultStore::verify);
            problems.forEach(System.out::println);
            System.err.printf(Locale.ROOT, "%d problem(s)%n", problems.size());
            return problems.isEmpty() ? 0 : Main.EXIT_INPUT_FAILED;
        }
    }
}
