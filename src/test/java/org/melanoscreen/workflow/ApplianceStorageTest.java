package org.melanoscreen.workflow;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.analysis.LesionSettings;
import org.melanoscreen.analysis.QualitySettings;
import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.capture.FrameSource;
import org.melanoscreen.device.Beep;
import org.melanoscreen.device.Buzzer;
import org.melanoscreen.device.DeviceListener;
import org.melanoscreen.device.DisplayScreen;
import org.melanoscreen.device.IndicatorLights;
import org.melanoscreen.device.LightPattern;
import org.melanoscreen.device.StatusDisplay;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.TinyModels;
import org.melanoscreen.store.IndexDamage;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;
import org.melanoscreen.store.StoreSettings;
import org.melanoscreen.store.WriteHook;
import org.melanoscreen.analysis.ScreeningSettings;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Storage and audit behaviour of the appliance: a result is shown only once stored, a FAULT holds until its
 * cause is gone and reaches the audit log once. Time moves only when the test advances the injected clock.
 */
class ApplianceStorageTest {
    private static final Duration RETRY = Duration.ofSeconds(5);
    private static final ApplianceSettings SETTINGS = new ApplianceSettings(2, 1, Duration.ofSeconds(15), RETRY,
            Duration.ofSeconds(5), false);

    @TempDir
    Path tmp;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ApplianceTest.Recorder recorder = new ApplianceTest.Recorder();
    private final Panel panel = new Panel();
    private final Disk disk = new Disk();
    private Appliance appliance;

    @AfterEach
    void stop() {
        if (appliance != null) {
            appliance.close();
        }
    }

    /** What a full disk looks like to the store: result files, or every file, refused with ENOSPC. */
    static final class Disk implements WriteHook {
        volatile boolean refuseResults;
        volatile boolean refuseAll;
        final AtomicInteger probes = new AtomicInteger();

        @Override
        public void beforeWrite(Path file, long bytes) throws IOException {
            boolean probe = file.getFileName().toString().startsWith(".write-probe");
            if (probe) {
                probes.incrementAndGet();
            }
            if (refuseAll || (refuseResults && !probe)) {
                throw new FileSystemException(file.toString(), null, "No space left on device");
            }
        }
    }

    /** The lamps and screen as a DeviceListener drives them. */
    static final class Panel implements IndicatorLights, StatusDisplay, Buzzer {
        final List<LightPattern> lamps = new CopyOnWriteArrayList<>();
        final List<DisplayScreen> screens = new CopyOnWriteArrayList<>();

        @Override
        public void show(LightPattern pattern) {
            lamps.add(pattern);
        }

        @Override
        public void lampTest() {
        }

        @Override
        public void show(DisplayScreen screen) {
            screens.add(screen);
        }

        @Override
        public void beep(Beep beep) {
        }

        @Override
        public void close() {
        }
    }

    private class TestResources implements Resources {
        final AtomicInteger modelLoads = new AtomicInteger();
        final AtomicInteger modelChecks = new AtomicInteger();
        volatile boolean modelsBroken;
        volatile int modelFilesVersion;
        volatile int storeOpenFailures;
        final ScriptedSource source = ScriptedSource.healthy();

        @Override
        public ModelSet loadModels() throws ModelException {
            modelLoads.incrementAndGet();
            if (modelsBroken) {
                throw new ModelException("models/seg/model.onnx: sha256 does not match the manifest");
            }
            return ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
        }

        @Override
        public String modelFilesState() {
            modelChecks.incrementAndGet();
            return "version " + modelFilesVersion;
        }

        @Override
        public FrameSource openSource() {
            return source;
        }

        @Override
        public ResultStore openStore() throws StoreException {
            if (storeOpenFailures > 0) {
                storeOpenFailures--;
                throw new StoreException(tmp.resolve("data") + ": cannot be created (Read-only file system)");
            }
            return ResultStore.open(new StoreSettings(tmp.resolve("data"), 0, null, null, "test-device"), disk);
        }
    }

    private void start(TestResources resources) {
        appliance = new Appliance(SETTINGS, resources, models -> ScreeningPipeline.create(models,
                new ScreeningSettings(QualitySettings.DEFAULT, LesionSettings.DEFAULT, 0.02, false, true)), "test-device", "test", nanos::get);
        appliance.addListener(recorder);
        appliance.addListener(new DeviceListener(panel, panel, panel, "test-device", "models"));
        appliance.start();
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited 30 s for " + what);
            }
            Thread.sleep(5);
        }
    }

    /**
     * Advances the clock past a retry until the appliance has made one (it asks about storage first): advancing only
     * once could race with the appliance's own thread, which may schedule the retry after the clock moved.
     */
    private void retryOnce() throws InterruptedException {
        int before = disk.probes.get();
        retryUntil("a retry", () -> disk.probes.get() > before);
    }

    /** Advances the clock a retry at a time until {@code condition} holds (see {@link #retryOnce}). */
    private void retryUntil(String what, BooleanSupplier condition) throws InterruptedException {
        waitFor(what, () -> {
            if (condition.getAsBoolean()) {
                return true;
            }
            advance(RETRY);
            return false;
        });
    }

    private long count(ApplianceState state) {
        return recorder.states.stream().filter(s -> s.state() == state).count();
    }

    private List<String> auditLines(String kind) throws IOException {
        return Files.readAllLines(tmp.resolve("data/audit.log")).stream().filter(l -> l.contains(" " + kind + " "))
                .toList();
    }

    @Test
    void aResultThatCannotBeStoredIsNotShownAndStorageFaultsUntilAWriteSucceeds() throws Exception {
        TestResources resources = new TestResources();
        start(resources);
        recorder.await(ApplianceState.READY, 1);
        assertTrue(disk.probes.get() >= 1, "storage proven writable before READY");

        disk.refuseResults = true;
        int probesBefore = disk.probes.get();
        appliance.trigger("test", "patient-1", null);
        StateChange fault = recorder.await(ApplianceState.FAULT, 1);
        assertTrue(disk.probes.get() > probesBefore, "storage proven writable before the capture");
        assertEquals(Fault.STORAGE_UNAVAILABLE, fault.fault());
        assertTrue(fault.detail().contains("not shown") && fault.detail().contains("No space left on device"),
                fault.detail());
        assertTrue(recorder.results.isEmpty(), "an unstored result is never published");
        assertEquals(0, count(ApplianceState.RESULT));
        waitFor("the panel to show the FAULT", () -> panel.lamps.get(panel.lamps.size() - 1) == LightPattern.FAULT
                && panel.screens.get(panel.screens.size() - 1) instanceof DisplayScreen.Fault);
        assertFalse(panel.lamps.stream().anyMatch(p -> p == LightPattern.LOW || p == LightPattern.REFER
                || p == LightPattern.RETAKE), panel.lamps.toString());
        assertInstanceOf(DisplayScreen.Fault.class, panel.screens.get(panel.screens.size() - 1));

        disk.refuseAll = true;
        for (int i = 0; i < 3; i++) {
            retryOnce();
        }
        appliance.trigger("test", null, null);
        retryOnce();
        assertEquals(ApplianceState.FAULT, appliance.state(), "held in FAULT while no write succeeds");
        assertEquals(1, count(ApplianceState.FAULT), "retries change no state");
        assertEquals(1, count(ApplianceState.READY));
        assertTrue(recorder.results.isEmpty());

        disk.refuseAll = false;
        disk.refuseResults = false;
        retryUntil("READY again", () -> count(ApplianceState.READY) >= 2);
        StateChange ready = recorder.await(ApplianceState.READY, 2);
        assertTrue(ready.detail().contains("storage unavailable cleared"), ready.detail());
        appliance.trigger("test", "patient-2", null);
        CaptureOutcome outcome = recorder.results.poll(30, TimeUnit.SECONDS);
        assertTrue(outcome != null && outcome.storedId() > 0, "stored and shown once storage works");
        appliance.close();
        List<String> faults = auditLines("FAULT");
        assertEquals(2, faults.size(), faults.toString());
        assertTrue(faults.get(0).contains("storage unavailable: this capture's result could not be stored"),
                faults.get(0));
        assertTrue(faults.get(1).endsWith("cleared: storage unavailable"), faults.get(1));
        try (ResultStore store = ResultStore.openShared(tmp.resolve("data"))) {
            assertEquals("patient-2", store.get(outcome.storedId()).orElseThrow().patientRef());
            assertEquals(1, store.list(null, 10).size(), "the unstored capture left nothing behind");
        }
    }

    @Test
    void aDataFolderOutOfSpaceOrInodesFaultsBeforeReady() throws Exception {
        disk.refuseAll = true;
        TestResources resources = new TestResources();
        start(resources);
        StateChange fault = recorder.await(ApplianceState.FAULT, 1);
        assertEquals(Fault.STORAGE_UNAVAILABLE, fault.fault());
        assertTrue(fault.detail().contains("not writable (No space left on device)"), fault.detail());
        assertEquals(0, count(ApplianceState.READY));
        disk.refuseAll = false;
        retryUntil("READY", () -> count(ApplianceState.READY) >= 1);
    }

    @Test
    void aModelFailureAtBootIsAuditedOnceAndRetriesDoNotReloadUnchangedModels() throws Exception {
        TestResources resources = new TestResources();
        resources.modelsBroken = true;
        start(resources);
        StateChange fault = recorder.await(ApplianceState.FAULT, 1);
        assertEquals(Fault.MODEL_INVALID, fault.fault());
        for (int i = 0; i < 4; i++) {
            int checks = resources.modelChecks.get();
            retryUntil("a model retry", () -> resources.modelChecks.get() > checks);
        }
        assertEquals(1, resources.modelLoads.get(), "unchanged model files are not loaded again");
        assertEquals(1, count(ApplianceState.FAULT));

        resources.modelsBroken = false;
        resources.modelFilesVersion++;
        retryUntil("READY", () -> count(ApplianceState.READY) >= 1);
        assertEquals(2, resources.modelLoads.get());
        appliance.close();
        List<String> faults = auditLines("FAULT");
        assertEquals(2, faults.size(), faults.toString());
        assertTrue(faults.get(0).contains("model invalid: models/seg/model.onnx: sha256 does not match"), faults.get(0));
        assertTrue(faults.get(1).endsWith("cleared: model invalid"), faults.get(1));
    }

    @Test
    void aFaultWhileTheStoreCannotBeOpenedIsAuditedOnceItCan() throws Exception {
        TestResources resources = new TestResources();
        resources.storeOpenFailures = 1;
        start(resources);
        assertEquals(Fault.STORAGE_UNAVAILABLE, recorder.await(ApplianceState.FAULT, 1).fault());
        retryUntil("READY", () -> count(ApplianceState.READY) >= 1);
        appliance.close();
        List<String> faults = auditLines("FAULT");
        assertEquals(2, faults.size(), faults.toString());
        assertTrue(faults.get(0).contains("storage unavailable: " + tmp.resolve("data")
                + ": cannot be created (Read-only file system) (recorded late"), faults.get(0));
    }

    @Test
    void theDailyIntegrityCheckFaultsOnADamagedIndex() throws Exception {
        IndexDamage.createStoreOfManyPages(tmp.resolve("data"));
        TestResources resources = new TestResources();
        start(resources);
        recorder.await(ApplianceState.READY, 1);
        IndexDamage.overwriteMiddlePages(tmp.resolve("data/results.db"));
        int grabs = resources.source.grabs.get();
        advance(Duration.ofHours(23));
        waitFor("a health check", () -> resources.source.grabs.get() > grabs);
        assertEquals(ApplianceState.READY, appliance.state(), "no integrity check before a day has passed");
        advance(Duration.ofHours(1));
        StateChange fault = recorder.await(ApplianceState.FAULT, 1);
        assertEquals(Fault.STORAGE_DAMAGED, fault.fault());
        assertTrue(fault.detail().contains("results.db: damaged") && fault.detail().contains("results export"),
                fault.detail());
        assertTrue(Fault.STORAGE_DAMAGED.action().contains("export"));
    }
}
