package org.melanoscreen.workflow;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.analysis.LesionSettings;
import org.melanoscreen.analysis.QualitySettings;
import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.capture.FrameSource;
import org.melanoscreen.panel.Beep;
import org.melanoscreen.panel.Buzzer;
import org.melanoscreen.panel.PanelListener;
import org.melanoscreen.panel.DisplayScreen;
import org.melanoscreen.panel.IndicatorLights;
import org.melanoscreen.panel.LightPattern;
import org.melanoscreen.panel.StatusDisplay;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Storage and audit behaviour of the appliance: a result is shown only once stored, a FAULT holds until its
 * cause is gone and reaches the audit log once. Driven on the test's thread ({@link Appliance#boot},
 * {@link Appliance#runQueued}): time moves only when the test advances the injected clock.
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

    /** The lamps and screen as a PanelListener drives them. */
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
        appliance.addListener(new PanelListener(panel, panel, panel, "test-device", "models"));
        appliance.boot();
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    /** Moves the clock past a retry and lets the appliance make it. */
    private void retryOnce() {
        advance(RETRY);
        appliance.runQueued();
    }

    private StateChange only(ApplianceState state) {
        List<StateChange> matching = recorder.states.stream().filter(s -> s.state() == state).toList();
        assertEquals(1, matching.size(), "one " + state + ": " + recorder.sequence());
        return matching.get(0);
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
        assertEquals(ApplianceState.READY, appliance.state());
        assertEquals(1, disk.probes.get(), "storage proven writable before READY");

        disk.refuseResults = true;
        appliance.trigger("test", "patient-1", null);
        appliance.runQueued();
        StateChange fault = only(ApplianceState.FAULT);
        assertEquals(2, disk.probes.get(), "storage proven writable before the capture");
        assertEquals(Fault.STORAGE_UNAVAILABLE, fault.fault());
        assertTrue(fault.detail().contains("not shown") && fault.detail().contains("No space left on device"),
                fault.detail());
        assertTrue(recorder.results.isEmpty(), "an unstored result is never published");
        assertEquals(0, count(ApplianceState.RESULT));
        assertEquals(LightPattern.FAULT, panel.lamps.get(panel.lamps.size() - 1));
        assertFalse(panel.lamps.stream().anyMatch(p -> p == LightPattern.LOW || p == LightPattern.REFER
                || p == LightPattern.RETAKE), panel.lamps.toString());
        assertInstanceOf(DisplayScreen.Fault.class, panel.screens.get(panel.screens.size() - 1));

        disk.refuseAll = true;
        for (int i = 0; i < 3; i++) {
            int probes = disk.probes.get();
            retryOnce();
            assertEquals(probes + 1, disk.probes.get(), "retry " + (i + 1) + " tries a write");
        }
        appliance.trigger("test", null, null);
        retryOnce();
        assertEquals(ApplianceState.FAULT, appliance.state(), "held in FAULT while no write succeeds");
        assertEquals(1, count(ApplianceState.FAULT), "retries change no state");
        assertEquals(1, count(ApplianceState.READY));
        assertTrue(recorder.results.isEmpty());

        disk.refuseAll = false;
        disk.refuseResults = false;
        retryOnce();
        assertEquals(2, count(ApplianceState.READY), "READY again at the first retry that can write");
        StateChange ready = recorder.states.get(recorder.states.size() - 1);
        assertTrue(ready.detail().contains("storage unavailable cleared"), ready.detail());
        appliance.trigger("test", "patient-2", null);
        appliance.runQueued();
        CaptureOutcome outcome = recorder.results.poll();
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
        StateChange fault = only(ApplianceState.FAULT);
        assertEquals(Fault.STORAGE_UNAVAILABLE, fault.fault());
        assertTrue(fault.detail().contains("not writable (No space left on device)"), fault.detail());
        assertEquals(0, count(ApplianceState.READY));
        disk.refuseAll = false;
        retryOnce();
        assertEquals(1, count(ApplianceState.READY));
    }

    @Test
    void aModelFailureAtBootIsAuditedOnceAndRetriesDoNotReloadUnchangedModels() throws Exception {
        TestResources resources = new TestResources();
        resources.modelsBroken = true;
        start(resources);
        StateChange fault = only(ApplianceState.FAULT);
        assertEquals(Fault.MODEL_INVALID, fault.fault());
        for (int i = 0; i < 4; i++) {
            retryOnce();
        }
        assertEquals(5, resources.modelChecks.get(), "checked at boot and at each of 4 retries");
        assertEquals(1, resources.modelLoads.get(), "unchanged model files are not loaded again");
        assertEquals(1, count(ApplianceState.FAULT));

        resources.modelsBroken = false;
        resources.modelFilesVersion++;
        retryOnce();
        assertEquals(1, count(ApplianceState.READY));
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
        assertEquals(Fault.STORAGE_UNAVAILABLE, only(ApplianceState.FAULT).fault());
        retryOnce();
        assertEquals(1, count(ApplianceState.READY));
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
        assertEquals(ApplianceState.READY, appliance.state());
        IndexDamage.overwriteMiddlePages(tmp.resolve("data/results.db"));
        int grabs = resources.source.grabs.get();
        advance(Duration.ofHours(23));
        appliance.runQueued();
        assertEquals(grabs + 1, resources.source.grabs.get(), "a health check");
        assertEquals(ApplianceState.READY, appliance.state(), "no integrity check before a day has passed");
        advance(Duration.ofHours(1));
        appliance.runQueued();
        StateChange fault = only(ApplianceState.FAULT);
        assertEquals(Fault.STORAGE_DAMAGED, fault.fault());
        assertTrue(fault.detail().contains("results.db: damaged") && fault.detail().contains("results export"),
                fault.detail());
        assertTrue(Fault.STORAGE_DAMAGED.action().contains("export"));
    }
}
