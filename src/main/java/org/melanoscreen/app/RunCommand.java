package org.melanoscreen.app;

import org.melanoscreen.analysis.LesionSettings;
import org.melanoscreen.analysis.QualitySettings;
import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.capture.CaptureException;
import org.melanoscreen.capture.FrameSource;
import org.melanoscreen.capture.SourceFactory;
import org.melanoscreen.device.Hardware;
import org.melanoscreen.device.HardwareException;
import org.melanoscreen.device.HardwareSettings;
import org.melanoscreen.eval.BinaryMetrics;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.SessionSettings;
import org.melanoscreen.service.SystemdNotifier;
import org.melanoscreen.service.SystemdStateReporter;
import org.melanoscreen.service.WatchdogPinger;
import org.melanoscreen.fleet.HealthPublisher;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;
import org.melanoscreen.store.StoreSettings;
import org.melanoscreen.workflow.Appliance;
import org.melanoscreen.workflow.ApplianceListener;
import org.melanoscreen.workflow.ApplianceSettings;
import org.melanoscreen.workflow.ApplianceState;
import org.melanoscreen.workflow.CaptureOutcome;
import org.melanoscreen.workflow.Resources;
import org.melanoscreen.workflow.StateChange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the appliance service: capture, quality gate, screening, results store. "
                + "--demo runs it with the simulated dermatoscope, no hardware needed.")
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    private static final String LAST_CONFIG = "last-config.properties";

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (see device/melanoscreen.conf).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one configuration key.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--demo", description = "Simulated dermatoscope, data in ./melanoscreen-data, a capture every "
            + "--interval-ms (unless --set overrides them; add camera faults with --set source=simulated?unplug-after=N"
            + "&replug-after=M).")
    boolean demo;

    @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "3000",
            description = "Demo: milliseconds between automatic captures; 0 = only on request (default ${DEFAULT-VALUE}).")
    long intervalMs;

    @Option(names = "--captures", paramLabel = "N", defaultValue = "0",
            description = "Run N captures back to back, print trigger-to-result latency, memory and file handles, "
                    + "then stop (a benchmark).")
    int captures;

    @Override
    public Integer call() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(overrides);
        if (demo) {
            settings.putIfAbsent("source", "simulated");
            settings.putIfAbsent("device.id", "melanoscreen-demo");
            settings.putIfAbsent("hardware.lights", "console");
            settings.putIfAbsent("hardware.button", "none");
            settings.putIfAbsent("hardware.display", "png");
            settings.putIfAbsent("lesion.ood_check", "false");
        }
        ServiceConfig config = load(settings);
        DataFolder data = DataFolder.of(config, demo);
        if (demo && !settings.containsKey("hardware.png_dir")) {
            settings.put("hardware.png_dir", data.path().resolve("display-frames").toString());
            config = load(settings);
        }
        System.out.println(data.describe());
        if (!config.bool("lesion.ood_check")) {
            System.out.println("the out-of-distribution check is off (lesion.ood_check=false)" + (demo ? ": the "
                    + "simulated lesions are not dermoscopic images, and it would make every demo result RETAKE" : ""));
        }
        Hardware hardware;
        try {
            hardware = Hardware.open(HardwareSettings.parse(config.effective()), System.out);
        } catch (HardwareException e) {
            throw new SetupException(e.getMessage(), e);
        }
        Appliance appliance = build(config, data.path());
        hardware.attach(appliance, config.text("device.id"), ServiceParts.modelIds(config));
        HealthPublisher fleet = ClinicNetwork.startFleetView(config, data.path(), appliance,
                new Main.Version().getVersion()[0]);
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment(System.getenv());
        appliance.addListener(new SystemdStateReporter(systemd));
        ResultTap tap = new ResultTap();
        appliance.addListener(new ConsoleListener(System.out));
        appliance.addListener(tap);
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutDown = () -> {
            systemd.stopping();
            appliance.close();
            if (fleet != null) {
                fleet.close();
            }
            hardware.close();
        };
        Thread hook = new Thread(() -> {
            shutDown.run();
            stopped.countDown();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (ControlInput control = new ControlInput(appliance, stopped::countDown);
             WatchdogPinger watchdog = WatchdogPinger.start(System.getenv(), systemd, appliance::lastProgressNanos)) {
            appliance.start();
            if (config.bool("control.stdin") && captures == 0) {
                control.readConsole(System.in);
            }
            if (!config.text("control.socket").isEmpty()) {
                control.listen(Path.of(config.text("control.socket")));
            }
            if (captures > 0) {
                return benchmark(appliance, tap);
            }
            while (!stopped.await(demo && intervalMs > 0 ? intervalMs : 1000, TimeUnit.MILLISECONDS)) {
                ApplianceState s = appliance.state();
                if (demo && intervalMs > 0 && (s == ApplianceState.READY || s == ApplianceState.RESULT)) {
                    appliance.trigger("demo timer", null, null);
                }
            }
            return 0;
        } finally {
            shutDown.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook is running
            }
        }
    }

    private ServiceConfig load(Map<String, String> settings) {
        try {
            return ServiceConfig.load(configFile, settings);
        } catch (ServiceConfig.ConfigException e) {
            throw new SetupException(e.getMessage(), e);
        }
    }

    private Appliance build(ServiceConfig config, Path dataFolder) {
        List<Path> modelFolders = ServiceParts.modelFolders(config);
        SessionSettings session = ServiceParts.sessionSettings(config);
        QualitySettings quality = new QualitySettings(config.number("quality.min_sharpness"),
                config.number("quality.max_clipped_high"), config.number("quality.max_clipped_low"),
                config.number("quality.min_mean_luma"), config.number("quality.max_mean_luma"),
                config.number("quality.max_colour_cast"), config.number("quality.max_centre_offset"));
        Double pitch = config.optionalNumber("optics.pixel_pitch_mm");
        boolean hair = config.bool("capture.hair_removal");
        LesionSettings lesion = new LesionSettings(config.number("lesion.min_area"), config.number("lesion.max_area"),
                config.number("lesion.border_margin_px"), config.number("lesion.max_second_lesion"),
                config.number("lesion.min_confidence"), config.number("lesion.min_contrast"),
                config.number("lesion.min_texture"), config.bool("lesion.ood_check"));
        StoreSettings store = ServiceParts.storeSettings(config, dataFolder);
        SourceFactory.Plan source = SourceFactory.parse(config.text("source"));
        Resources resources = new Resources() {
            @Override
            public ModelSet loadModels() throws ModelException {
                return ModelSet.load(modelFolders, session);
            }

            @Override
            public String modelFilesState() {
                return ServiceParts.filesState(modelFolders);
            }

            @Override
            public FrameSource openSource() throws CaptureException {
                return source.open();
            }

            @Override
            public ResultStore openStore() throws StoreException {
                ResultStore opened = ResultStore.open(store);
                try {
                    auditConfiguration(opened, config);
                    opened.applyRetention();
                    return opened;
                } catch (StoreException | RuntimeException e) {
                    // closed, so that the retry can open it again
                    try {
                        opened.close();
                    } catch (StoreException c) {
                        e.addSuppressed(c);
                    }
                    throw e;
                }
            }
        };
        ApplianceSettings appliance = new ApplianceSettings(config.integer("capture.burst_frames"),
                config.integer("capture.screen_best"), seconds(config.number("capture.result_hold_s")),
                seconds(config.number("capture.fault_retry_s")), seconds(config.number("capture.health_interval_s")),
                config.bool("capture.auto"));
        return new Appliance(appliance, resources,
                models -> ScreeningPipeline.forModels(models, pitch, quality, lesion, hair),
                config.text("device.id"), new Main.Version().getVersion()[0]);
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }

    /** Writes an audit line for each key that changed since the configuration last used with this data folder. */
    private static void auditConfiguration(ResultStore store, ServiceConfig config) throws StoreException {
        Path last = store.dataFolder().resolve(LAST_CONFIG);
        Properties previous = new Properties();
        try {
            if (Files.exists(last)) {
                try (InputStream in = Files.newInputStream(last)) {
                    previous.load(in);
                }
            }
            Map<String, String> before = new LinkedHashMap<>();
            previous.forEach((k, v) -> before.put(k.toString(), v.toString()));
            List<String> changes = before.isEmpty() ? List.of("first start with this data folder")
                    : config.changesSince(before);
            for (String change : changes) {
                store.audit("CONFIG", change);
            }
            Properties now = new Properties();
            now.putAll(config.effective());
            Path tmp = last.resolveSibling(LAST_CONFIG + ".tmp");
            try (var out = Files.newOutputStream(tmp)) {
                now.store(out, "configuration in effect at the last start");
            }
            Files.move(tmp, last, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StoreException(last + ": configuration record cannot be written (" + e.getMessage() + ")");
        }
    }

    /** Collects results and states for the --captures benchmark. */
    private static final class ResultTap implements ApplianceListener {
        final BlockingQueue<CaptureOutcome> outcomes = new LinkedBlockingQueue<>();
        volatile ApplianceState state = ApplianceState.BOOTING;
        volatile long readyAtNanos;

        @Override
        public void stateChanged(StateChange change) {
            state = change.state();
            if (change.state() == ApplianceState.READY && readyAtNanos == 0) {
                readyAtNanos = System.nanoTime();
            }
        }

        @Override
        public void resultReady(CaptureOutcome outcome) {
            outcomes.add(outcome);
        }
    }

    private int benchmark(Appliance appliance, ResultTap tap) throws InterruptedException {
        long start = System.nanoTime();
        while (tap.readyAtNanos == 0 && System.nanoTime() - start < TimeUnit.MINUTES.toNanos(2)) {
            Thread.sleep(20);
        }
        if (tap.readyAtNanos == 0) {
            System.err.println("error: the appliance did not become READY within 2 minutes (state " + tap.state + ")");
            return 2;
        }
        double readyWallMs = System.currentTimeMillis() - (System.nanoTime() - tap.readyAtNanos) / 1e6;
        double startupMs = readyWallMs - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        List<Double> latencies = new ArrayList<>();
        int stored = 0;
        int lost = 0;
        long[] rss = new long[2];
        long[] files = new long[2];
        int baseline = Math.min(500, Math.max(1, captures / 20));
        for (int i = 1; i <= captures; i++) {
            appliance.trigger("benchmark", null, null);
            CaptureOutcome o = tap.outcomes.poll(60, TimeUnit.SECONDS);
            if (o == null) {
                lost++;
                System.err.println("error: capture " + i + " gave no result within 60 s (state " + tap.state + ")");
                continue;
            }
            latencies.add(o.triggerToResultMs());
            stored++;
            if (i == baseline) {
                rss[0] = ProcessStats.rssKb();
                files[0] = ProcessStats.openFiles();
            }
            if (i % Math.max(1, captures / 10) == 0) {
                System.out.printf(Locale.ROOT, "benchmark: %d captures, %d stored, RSS %.1f MB, open files %d%n", i,
                        stored, ProcessStats.rssKb() / 1024.0, ProcessStats.openFiles());
            }
        }
        rss[1] = ProcessStats.rssKb();
        files[1] = ProcessStats.openFiles();
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "benchmark: %d captures, %d results, %d stored, %d lost%n", captures,
                latencies.size(), stored, lost);
        System.out.printf(Locale.ROOT, "start-up to READY: %.0f ms%n", startupMs);
        System.out.printf(Locale.ROOT, "trigger to result: p50 %.0f ms, p95 %.0f ms, max %.0f ms%n",
                BinaryMetrics.percentile(sorted, 50), BinaryMetrics.percentile(sorted, 95),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]);
        System.out.printf(Locale.ROOT, "RSS after %d captures %.1f MB, after %d %.1f MB (%+.1f%%)%n", baseline,
                rss[0] / 1024.0, captures, rss[1] / 1024.0, rss[0] > 0 ? 100.0 * (rss[1] - rss[0]) / rss[0] : 0);
        System.out.printf(Locale.ROOT, "open files after %d captures %d, after %d %d%n", baseline, files[0], captures,
                files[1]);
        return lost == 0 && stored == captures ? 0 : 1;
    }
}
