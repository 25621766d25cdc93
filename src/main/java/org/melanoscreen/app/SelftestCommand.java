package org.melanoscreen.app;

import org.melanoscreen.capture.FrameSource;
import org.melanoscreen.capture.SourceFactory;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.panel.DisplayScreen;
import org.melanoscreen.panel.Hardware;
import org.melanoscreen.panel.HardwareSettings;
import org.melanoscreen.model.Manifest;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.ParityCheck;
import org.melanoscreen.model.SessionSettings;
import org.melanoscreen.outbox.Destination;
import org.melanoscreen.store.ResultStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = "Check the appliance as configured: models (approved folders, parity fixtures), results "
                + "store, camera, lamps, display, each configured destination (PACS, FHIR server: reachable, "
                + "credentials accepted) and the MQTT broker where configured. Stop the service first "
                + "(it holds the camera and the store), and run it as the service user.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every check passed", "1:some check failed", "2:usage or configuration error"})
final class SelftestCommand implements Callable<Integer> {

    private static final long DISPLAY_PATTERN_MS = 3000;

    /** One named check: returns what it found, or throws with the reason it failed. */
    record Check(String name, Callable<String> probe) {
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file, as the service uses (/etc/melanoscreen/melanoscreen.conf).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one configuration key.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() {
        ServiceConfig config;
        try {
            config = ServiceConfig.load(configFile, overrides);
        } catch (ServiceConfig.ConfigException e) {
            throw new SetupException(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(DataFolder.of(config, false).describe());
        int failed = 0;
        List<Check> checks = checks(config);
        for (Check check : checks) {
            try {
                out.println("PASS " + check.name() + ": " + check.probe().call());
            } catch (Exception e) {
                failed++;
                out.println("FAIL " + check.name() + ": " + reason(e));
            }
            out.flush();
        }
        out.printf(Locale.ROOT, "selftest: %d passed, %d failed%n", checks.size() - failed, failed);
        return failed == 0 ? 0 : Main.EXIT_INPUT_FAILED;
    }

    /** The checks, in the order they run. */
    static List<Check> checks(ServiceConfig config) {
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("models", () -> models(config)));
        checks.add(new Check("store", () -> store(config)));
        checks.add(new Check("camera", () -> camera(config.text("source"))));
        checks.add(new Check("lamps", () -> lamps(config)));
        checks.add(new Check("display", () -> display(config)));
        for (String name : OutboxParts.names(config)) {
            checks.add(new Check(name, () -> destination(config, name)));
        }
        checks.addAll(ClinicNetwork.checks(config));
        return checks;
    }

    /**
     * A configured destination, reachable and accepting the credentials: a failure here fails the self-test (an
     * installer must know), while the service still goes READY and queues what it cannot send.
     */
    private static String destination(ServiceConfig config, String name) throws Exception {
        for (Destination d : OutboxParts.destinations(config)) {
            if (d.name().equals(name)) {
                d.check();
                return OutboxParts.describe(d);
            }
        }
        throw new IllegalStateException(name + ": not configured");
    }

    /** Opening the hardware lights every lamp in turn; the person at the device watches that each one lights. */
    private static String lamps(ServiceConfig config) throws Exception {
        if ("none".equals(config.text("hardware.lights"))) {
            return "no lamps configured";
        }
        HardwareSettings settings = HardwareSettings.parse(config.effective()).lampsOnly();
        try (Hardware hardware = Hardware.open(settings, System.out)) {
            return "lamp test shown on " + config.text("hardware.lights") + " lamps; check each lit";
        }
    }

    /** Shows the test pattern for a few seconds; the person at the device checks the frame and checkerboard. */
    private static String display(ServiceConfig config) throws Exception {
        if ("none".equals(config.text("hardware.display"))) {
            return "no display configured";
        }
        HardwareSettings settings = HardwareSettings.parse(config.effective()).displayOnly();
        try (Hardware hardware = Hardware.open(settings, System.out)) {
            hardware.display().show(new DisplayScreen.TestPattern());
            Thread.sleep("ssd1306".equals(config.text("hardware.display")) ? DISPLAY_PATTERN_MS : 500);
            return "test pattern shown on the " + config.text("hardware.display") + " display; check the frame "
                    + "and checkerboard";
        }
    }

    private static String models(ServiceConfig config) throws Exception {
        SessionSettings session = ServiceParts.sessionSettings(config);
        try (ModelSet models = ModelSet.load(ServiceParts.modelFolders(config), session)) {
            String parity = ParityCheck.verify(models);
            return "segmenter " + models.model(Manifest.Task.SEGMENTATION).manifest().id() + ", classifier "
                    + models.model(Manifest.Task.CLASSIFICATION).manifest().id() + ", on "
                    + session.effectiveProvider().label() + "; " + parity;
        }
    }

    /**
     * The store in the data folder, which must exist already (the service or the package creates it): opening runs
     * SQLite's integrity check on the index; then a real write proves the folder writable.
     */
    private static String store(ServiceConfig config) throws Exception {
        Path folder = DataFolder.of(config, false).path();
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException(folder + ": data folder does not exist (selftest does not create it; "
                    + "the service does at its first start, or give store.data_dir)");
        }
        try (ResultStore store = ResultStore.open(ServiceParts.storeSettings(config, folder))) {
            store.proveWritable();
            if (store.belowFreeSpaceFloor()) {
                throw new IllegalStateException(store.dataFolder() + ": " + store.freeBytes() / (1024 * 1024)
                        + " MB free, below store.min_free_mb");
            }
            return store.dataFolder() + ": index intact, writable, " + store.freeBytes() / (1024 * 1024) + " MB free";
        }
    }

    private static String camera(String spec) throws Exception {
        try (FrameSource source = SourceFactory.open(spec); Frame frame = source.grab()) {
            return frame.width() + "x" + frame.height() + " frame from " + source.describe();
        }
    }

    private static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
