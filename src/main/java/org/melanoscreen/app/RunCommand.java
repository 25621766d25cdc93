package org.melanoscreen.app;

import org.melanoscreen.panel.Hardware;
import org.melanoscreen.panel.HardwareException;
import org.melanoscreen.panel.HardwareSettings;
import org.melanoscreen.outbox.Destination;
import org.melanoscreen.outbox.OutboxSender;
import org.melanoscreen.service.SystemdNotifier;
import org.melanoscreen.service.SystemdStateReporter;
import org.melanoscreen.service.WatchdogPinger;
import org.melanoscreen.fleet.HealthPublisher;
import org.melanoscreen.workflow.Appliance;
import org.melanoscreen.workflow.ApplianceListener;
import org.melanoscreen.workflow.ApplianceState;
import org.melanoscreen.workflow.CaptureOutcome;
import org.melanoscreen.workflow.StateChange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The service: configuration (with the demo's defaults), hardware, the appliance and its listeners, the control
 * inputs, then either the service loop or the {@code --captures} benchmark, and an orderly stop.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the appliance service: capture, quality gate, screening, results store. "
                + "--demo runs it with the simulated dermatoscope, no hardware needed.")
final class RunCommand implements java.util.concurrent.Callable<Integer> {
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
        Map<String, String> settings = demo ? DemoDefaults.withDemo(overrides) : overrides;
        ServiceConfig config = load(settings);
        DataFolder data = DataFolder.of(config, demo);
        if (demo && !settings.containsKey("hardware.png_dir")) {
            config = load(DemoDefaults.withFramesIn(settings, data.path()));
        }
        System.out.println(data.describe());
        if (!config.bool("lesion.ood_check")) {
            System.out.println("the out-of-distribution check is off (lesion.ood_check=false)" + (demo ? ": the "
                    + "simulated lesions are not dermoscopic images, and it would make every demo result RETAKE" : ""));
        }
        List<Destination> destinations;
        try {
            destinations = OutboxParts.destinations(config);
        } catch (IllegalArgumentException e) {
            throw new SetupException(e.getMessage(), e);
        }
        Hardware hardware;
        try {
            hardware = Hardware.open(HardwareSettings.parse(config.effective()), System.out);
        } catch (HardwareException e) {
            throw new SetupException(e.getMessage(), e);
        }
        Appliance appliance = ServiceWiring.appliance(config, data.path(),
                destinations.stream().map(Destination::name).toList());
        OutboxSender sender = destinations.isEmpty() ? null : OutboxParts.sender(config, data.path(), destinations);
        hardware.attach(appliance, config.text("device.id"), ServiceParts.modelIds(config));
        HealthPublisher fleet = ClinicNetwork.startFleetView(config, data.path(), appliance,
                new Main.Version().getVersion()[0]);
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment(System.getenv());
        appliance.addListener(new SystemdStateReporter(systemd));
        appliance.addListener(new ConsoleListener(System.out));
        if (sender != null) {
            appliance.addListener(new ResultWakesSender(sender));
        }
        CaptureBenchmark benchmark = captures > 0 ? new CaptureBenchmark(appliance) : null;
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutDown = () -> {
            systemd.stopping();
            if (sender != null) {
                sender.close();
            }
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
            if (sender != null) {
                sender.start();
                System.out.println("outbox: sending every screening stored from now on to "
                        + String.join(", ", destinations.stream().map(Destination::name).toList()));
            }
            ControlSettings controls = ControlSettings.from(config.values());
            if (controls.stdin() && benchmark == null) {
                control.readConsole(System.in);
            }
            if (controls.socket() != null) {
                control.listen(controls.socket());
            }
            if (benchmark != null) {
                return benchmark.run(captures);
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

    /** Starts the outbox's next round as soon as a result is stored. */
    private record ResultWakesSender(OutboxSender sender) implements ApplianceListener {
        @Override
        public void stateChanged(StateChange change) {
        }

        @Override
        public void resultReady(CaptureOutcome outcome) {
            sender.wake();
        }
    }
}
