package org.melanoscreen.workflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.analysis.LesionSettings;
import org.melanoscreen.analysis.QualitySettings;
import org.melanoscreen.analysis.Risk;
import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.capture.CaptureException;
import org.melanoscreen.capture.FrameSource;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.SyntheticLesion;
import org.melanoscreen.model.ApprovedModels;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.TinyModels;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;
import org.melanoscreen.store.StoreSettings;
import org.melanoscreen.analysis.ScreeningSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Every transition of the appliance's state machine, driven by scripted models, sources and stores. */
class ApplianceTest {
    static final ApplianceSettings FAST = new ApplianceSettings(3, 2, Duration.ofMillis(300),
            Duration.ofMillis(100), Duration.ofMillis(200), false);

    @TempDir
    Path tmp;

    private Appliance appliance;
    private final Recorder recorder = new Recorder();

    @AfterEach
    void stop() {
        if (appliance != null) {
            appliance.close();
        }
    }

    /** Records states and results; lets a test wait for them. */
    static final class Recorder implements ApplianceListener {
        final List<StateChange> states = new CopyOnWriteArrayList<>();
        final BlockingQueue<CaptureOutcome> results = new LinkedBlockingQueue<>();

        @Override
        public void stateChanged(StateChange change) {
            states.add(change);
        }

        @Override
        public void resultReady(CaptureOutcome outcome) {
            results.add(outcome);
        }

        StateChange await(ApplianceState state, int occurrence) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                List<StateChange> matching = states.stream().filter(s -> s.state() == state).toList();
                if (matching.size() >= occurrence) {
                    return matching.get(occurrence - 1);
                }
                Thread.sleep(10);
            }
            return fail("no " + state + " #" + occurrence + "; states: " + sequence());
        }

        List<ApplianceState> sequence() {
            return states.stream().map(StateChange::state).toList();
        }
    }

    /** Resources whose models, source and store fail on the calls the test names. */
    private class ScriptedResources implements Resources {
        final AtomicInteger modelLoads = new AtomicInteger();
        final AtomicInteger sourceOpens = new AtomicInteger();
        final AtomicInteger storeOpens = new AtomicInteger();
        final AtomicInteger modelFilesVersion = new AtomicInteger();
        final AtomicInteger modelFileChecks = new AtomicInteger();
        int modelFailures;
        int sourceFailures;
        int storeFailures;
        FrameSource source = ScriptedSource.healthy();
        List<Path> modelFolders = TinyModels.pair();
        ApprovedModels approved = ApprovedModels.builtIn();

        @Override
        public ModelSet loadModels() throws ModelException {
            if (modelLoads.getAndIncrement() < modelFailures) {
                throw new ModelException("models/x/model.onnx: sha256 does not match the manifest");
            }
            return ModelSet.load(modelFolders, TinyModels.SETTINGS, approved);
        }

        @Override
        public String modelFilesState() {
            modelFileChecks.incrementAndGet();
            return "model files version " + modelFilesVersion.get();
        }

        @Override
        public FrameSource openSource() throws CaptureException {
            if (sourceOpens.getAndIncrement() < sourceFailures) {
                throw new CaptureException("/dev/dermatoscope: no such device");
            }
            return source;
        }

        @Override
        public ResultStore openStore() throws StoreException {
            if (storeOpens.getAndIncrement() < storeFailures) {
                throw new StoreException(tmp + "/data: read-only file system");
            }
            return ResultStore.open(StoreSettings.defaults(tmp.resolve("data"), "test-device"));
        }
    }

    private Appliance start(ScriptedResources resources, ApplianceSettings settings) {
        return start(resources, settings, false);
    }

    private static ScreeningPipeline pipeline(ModelSet models, boolean hairRemoval) throws ModelException {
        return ScreeningPipeline.create(models,
                new ScreeningSettings(QualitySettings.DEFAULT, LesionSettings.DEFAULT, 0.02, hairRemoval, true));
    }

    private Appliance start(ScriptedResources resources, ApplianceSettings settings, boolean hairRemoval) {
        appliance = new Appliance(settings, resources, models -> pipeline(models, hairRemoval), "test-device",
                "test");
        appliance.addListener(recorder);
        appliance.start();
        return appliance;
    }

    @Test
    void bootsCapturesShowsTheResultAndReturnsToReady() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        start(resources, FAST);
        recorder.await(ApplianceState.READY, 1);
        assertEquals(List.of(ApplianceState.BOOTING, ApplianceState.SELF_TEST, ApplianceState.READY),
                recorder.sequence());
        appliance.trigger("test", "patient-7", "lesion-2");
        CaptureOutcome outcome = recorder.results.poll(30, TimeUnit.SECONDS);
        assertNotNull(outcome);
        assertEquals(3, outcome.framesTaken());
        assertEquals(3, outcome.framesPassed(), "the scripted frames are all usable");
        assertEquals(2, outcome.framesScreened(), "the sharpest two of them are screened");
        assertTrue(outcome.storedId() > 0, "stored");
        assertEquals("patient-7", outcome.patientRef());
        recorder.await(ApplianceState.READY, 2);
        assertEquals(List.of(ApplianceState.BOOTING, ApplianceState.SELF_TEST, ApplianceState.READY,
                ApplianceState.CAPTURING, ApplianceState.ANALYSING, ApplianceState.RESULT, ApplianceState.READY),
                recorder.sequence());
        appliance.close();
        try (ResultStore store = ResultStore.open(StoreSettings.defaults(tmp.resolve("data"), "test-device"))) {
            var stored = store.get(outcome.storedId()).orElseThrow();
            assertEquals(outcome.result().risk().name(), stored.risk());
            var burst = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stored.resultJson()).get("burst");
            assertEquals(3, burst.get("frames_taken").asInt());
            assertEquals(outcome.framesScreened(), burst.get("screened_probabilities").size(),
                    "every screened frame's probability is stored");
            for (int i = 0; i < outcome.framesScreened(); i++) {
                assertEquals(outcome.frameProbabilities().get(i), burst.get("screened_probabilities").get(i).floatValue(),
                        1e-6);
            }
            assertEquals(List.of(), store.verify());
        }
        assertTrue(((ScriptedSource) resources.source).closed, "camera closed on stop");
    }

    @Test
    void hairRemovalWhenConfiguredIsAppliedToTheBurst() throws Exception {
        SyntheticLesion.Spec hairy = SyntheticLesion.Spec.defaults(320, 240, 5).withHairs(10);
        float withRemoval;
        float withoutRemoval;
        try (ModelSet models = ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
             ScreeningPipeline clean = pipeline(models, true);
             ScreeningPipeline raw = pipeline(models, false);
             Frame frame = SyntheticLesion.generate(hairy).toFrame("hairy")) {
            withRemoval = clean.screen(frame).melanomaProbability();
            withoutRemoval = raw.screen(frame).melanomaProbability();
        }
        assertTrue(Math.abs(withRemoval - withoutRemoval) > 1e-4, withRemoval + " vs " + withoutRemoval);
        ScriptedResources resources = new ScriptedResources();
        resources.source = new ScriptedSource(n -> false, hairy, 0);
        start(resources, FAST, true);
        recorder.await(ApplianceState.READY, 1);
        appliance.trigger("test", null, null);
        CaptureOutcome outcome = recorder.results.poll(30, TimeUnit.SECONDS);
        assertNotNull(outcome);
        assertTrue(outcome.framesScreened() >= 1);
        assertEquals(withRemoval, outcome.result().melanomaProbability(), 1e-6);
    }

    @Test
    void invalidModelsFaultAndRecoverWhenFixed() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        resources.modelFailures = 1;
        start(resources, FAST);
        StateChange fault = recorder.await(ApplianceState.FAULT, 1);
        assertEquals(Fault.MODEL_INVALID, fault.fault());
        assertTrue(fault.detail().contains("sha256"));
        resources.modelFilesVersion.incrementAndGet();
        recorder.await(ApplianceState.READY, 1);
        assertEquals(2, resources.modelLoads.get());
    }

    /** Starts on a copy of the tiny classifier with its manifest edited, approved or not, and waits for FAULT. */
    private StateChange faultWithClassifier(Consumer<ObjectNode> edit, boolean approve)
            throws Exception {
        Path classifier = TinyModels.editedCopy(TinyModels.CLS, tmp.resolve("edited"), edit);
        ScriptedResources resources = new ScriptedResources();
        resources.modelFolders = List.of(TinyModels.SEG, classifier);
        if (approve) {
            resources.approved = TinyModels.approving(classifier);
        }
        start(resources, FAST);
        StateChange fault = recorder.await(ApplianceState.FAULT, 1);
        assertEquals(Fault.MODEL_INVALID, fault.fault());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (resources.modelFileChecks.get() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(resources.modelFileChecks.get() >= 3, "retried: " + resources.modelFileChecks.get());
        assertEquals(1, resources.modelLoads.get(), "unchanged model files are not loaded again");
        assertTrue(!recorder.sequence().contains(ApplianceState.READY), "retried, never READY: "
                + recorder.sequence());
        return fault;
    }

    @Test
    void anEditedModelFolderIsAFaultNamingIt() throws Exception {
        StateChange fault = faultWithClassifier(m -> ((ObjectNode) m.get("thresholds")).put("referral", 1.0),
                false);
        assertTrue(fault.detail().startsWith(tmp.resolve("edited/cls") + ": not an approved model folder"),
                fault.detail());
    }

    @Test
    void aPreprocessingThatFailsTheParityFixturesIsAFault() throws Exception {
        StateChange fault = faultWithClassifier(
                m -> ((ArrayNode) ((ObjectNode) m.get("input")).get("mean")).set(0, 0.45), true);
        assertTrue(fault.detail().startsWith(tmp.resolve("edited/cls/fixtures/expected.json")
                + ", fixture_0.png: input sum"), fault.detail());
    }

    @Test
    void aReferralThresholdThePolicyRefusesIsAFaultNotADeadWorkflow() throws Exception {
        StateChange fault = faultWithClassifier(m -> ((ObjectNode) m.get("thresholds")).put("referral", 0.0),
                true);
        assertEquals(tmp.resolve("edited/cls/manifest.json") + ": thresholds.referral must be in (0, 1], was 0.0; "
                + "the risk policy cannot screen with it", fault.detail());
    }

    @Test
    void missingCameraFaultsAndRecovers() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        resources.sourceFailures = 1;
        start(resources, FAST);
        assertEquals(Fault.NO_CAMERA, recorder.await(ApplianceState.FAULT, 1).fault());
        recorder.await(ApplianceState.READY, 1);
    }

    @Test
    void storageUnavailableFaultsAndRecovers() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        resources.storeFailures = 1;
        start(resources, FAST);
        StateChange fault = recorder.await(ApplianceState.FAULT, 1);
        assertEquals(Fault.STORAGE_UNAVAILABLE, fault.fault());
        assertTrue(fault.detail().contains("read-only"));
        recorder.await(ApplianceState.READY, 1);
    }

    @Test
    void freeSpaceBelowTheFloorIsAStorageFault() throws Exception {
        ScriptedResources resources = new ScriptedResources() {
            @Override
            public ResultStore openStore() throws StoreException {
                return ResultStore.open(new StoreSettings(tmp.resolve("data"), Long.MAX_VALUE, null, null, "test"));
            }
        };
        start(resources, FAST);
        StateChange fault = recorder.await(ApplianceState.FAULT, 1);
        assertEquals(Fault.STORAGE_UNAVAILABLE, fault.fault());
        assertTrue(fault.detail().contains("free space"), fault.detail());
        appliance.trigger("test", null, null);
        Thread.sleep(300);
        assertTrue(recorder.results.isEmpty(), "no capture while in FAULT");
    }

    @Test
    void cameraLostDuringCaptureFaultsThenRecovers() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        resources.source = new ScriptedSource(n -> n >= 2 && n < 6, SyntheticLesion.Spec.defaults(320, 240, 2), 0);
        start(resources, FAST);
        recorder.await(ApplianceState.READY, 1);
        appliance.trigger("test", null, null);
        StateChange fault = recorder.await(ApplianceState.FAULT, 1);
        assertEquals(Fault.NO_CAMERA, fault.fault());
        assertTrue(fault.detail().contains("read failed"));
        recorder.await(ApplianceState.READY, 2);
        assertTrue(recorder.results.isEmpty(), "no result from a broken burst");
        appliance.trigger("test", null, null);
        assertNotNull(recorder.results.poll(30, TimeUnit.SECONDS), "captures again after recovery");
    }

    @Test
    void burstWithNoUsableFrameIsRetakeWithReasons() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        resources.source = new ScriptedSource(n -> false,
                SyntheticLesion.Spec.defaults(320, 240, 3).withCentre(0.03, 0.5), 0);
        start(resources, FAST);
        recorder.await(ApplianceState.READY, 1);
        appliance.trigger("test", null, null);
        CaptureOutcome outcome = recorder.results.poll(30, TimeUnit.SECONDS);
        assertNotNull(outcome);
        assertEquals(Risk.RETAKE, outcome.result().risk());
        assertNull(outcome.result().melanomaProbability());
        assertEquals(0, outcome.framesPassed());
        assertTrue(outcome.result().reasons().stream().anyMatch(r -> r.contains("of 3 frames")),
                outcome.result().reasons().toString());
        assertTrue(outcome.storedId() > 0, "a RETAKE is stored too");
    }

    @Test
    void cancelAbandonsTheCapture() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        resources.source = new ScriptedSource(n -> false, SyntheticLesion.Spec.defaults(320, 240, 4), 150);
        start(resources, new ApplianceSettings(10, 2, Duration.ofMillis(300), Duration.ofMillis(100),
                Duration.ofSeconds(10), false));
        recorder.await(ApplianceState.READY, 1);
        appliance.trigger("test", null, null);
        recorder.await(ApplianceState.CAPTURING, 1);
        appliance.cancel();
        StateChange ready = recorder.await(ApplianceState.READY, 2);
        assertTrue(ready.detail().contains("cancelled"), ready.detail());
        assertTrue(recorder.results.isEmpty());
    }

    @Test
    void aFailingListenerDoesNotStopScreening() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        start(resources, FAST);
        appliance.addListener(new ApplianceListener() {
            @Override
            public void stateChanged(StateChange change) {
                throw new IllegalStateException("display unplugged");
            }

            @Override
            public void resultReady(CaptureOutcome outcome) {
                throw new IllegalStateException("display unplugged");
            }
        });
        recorder.await(ApplianceState.READY, 1);
        appliance.trigger("test", null, null);
        assertNotNull(recorder.results.poll(30, TimeUnit.SECONDS));
    }

    @Test
    void autoCaptureFiresOncePerPlacement() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        start(resources, new ApplianceSettings(2, 1, Duration.ofSeconds(30), Duration.ofMillis(100),
                Duration.ofMillis(100), true));
        CaptureOutcome outcome = recorder.results.poll(30, TimeUnit.SECONDS);
        assertNotNull(outcome, "a steady lesion triggers a capture by itself");
        Thread.sleep(1500);
        assertTrue(recorder.results.isEmpty(), "the same placement does not trigger again");
        assertTrue(Files.exists(tmp.resolve("data")));
    }
}
