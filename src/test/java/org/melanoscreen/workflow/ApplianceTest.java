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
import org.melanoscreen.json.Json;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every transition of the appliance's state machine, driven by scripted models, sources and stores on the test's
 * thread ({@link Appliance#boot}, {@link Appliance#runQueued}): time moves only when the test advances the clock.
 */
class ApplianceTest {
    static final ApplianceSettings FAST = new ApplianceSettings(3, 2, Duration.ofMillis(300),
            Duration.ofMillis(100), Duration.ofMillis(200), false);

    @TempDir
    Path tmp;

    private Appliance appliance;
    private final Recorder recorder = new Recorder();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @AfterEach
    void stop() {
        if (appliance != null) {
            appliance.close();
        }
    }

    /** Records states and results; lets a threaded test wait for them. */
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

    private static ScreeningPipeline pipeline(ModelSet models, boolean hairRemoval) throws ModelException {
        return ScreeningPipeline.create(models,
                new ScreeningSettings(QualitySettings.DEFAULT, LesionSettings.DEFAULT, 0.02, hairRemoval, true));
    }

    /** Boots an appliance on the test's thread with the test's clock. */
    private Appliance boot(ScriptedResources resources, ApplianceSettings settings, boolean hairRemoval) {
        appliance = new Appliance(settings, resources, models -> pipeline(models, hairRemoval), "test-device",
                "test", nanos::get);
        appliance.addListener(recorder);
        appliance.boot();
        return appliance;
    }

    private Appliance boot(ScriptedResources resources, ApplianceSettings settings) {
        return boot(resources, settings, false);
    }

    /** Moves the clock on by {@code d}, then lets the appliance handle what is queued and due. */
    private void after(Duration d) {
        nanos.addAndGet(d.toNanos());
        appliance.runQueued();
    }

    private CaptureOutcome captureNow() {
        appliance.trigger("test", "patient-7", "lesion-2");
        appliance.runQueued();
        assertEquals(1, recorder.results.size(), "one capture, one result: " + recorder.sequence());
        return recorder.results.poll();
    }

    private static final List<ApplianceState> BOOTED = List.of(ApplianceState.BOOTING, ApplianceState.SELF_TEST,
            ApplianceState.READY);
    private static final List<ApplianceState> BOOT_FAULT = List.of(ApplianceState.BOOTING,
            ApplianceState.SELF_TEST, ApplianceState.FAULT);

    private List<ApplianceState> plus(List<ApplianceState> before, ApplianceState... then) {
        List<ApplianceState> all = new java.util.ArrayList<>(before);
        all.addAll(List.of(then));
        return all;
    }

    @Test
    void bootsCapturesShowsTheResultAndReturnsToReady() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        boot(resources, FAST);
        assertEquals(BOOTED, recorder.sequence());
        CaptureOutcome outcome = captureNow();
        assertEquals(3, outcome.framesTaken());
        assertEquals(3, outcome.framesPassed(), "the scripted frames are all usable");
        assertEquals(2, outcome.framesScreened(), "the sharpest two of them are screened");
        assertEquals(1, outcome.storedId(), "stored, the store's first");
        assertEquals("patient-7", outcome.patientRef());
        assertEquals("lesion-2", outcome.lesionRef());
        assertEquals(plus(BOOTED, ApplianceState.CAPTURING, ApplianceState.ANALYSING, ApplianceState.RESULT),
                recorder.sequence());
        assertEquals(1 + 3, ((ScriptedSource) resources.source).grabs.get(), "the self-test frame and the burst");
        after(FAST.resultHold().minusMillis(1));
        assertEquals(ApplianceState.RESULT, appliance.state(), "held for result_hold");
        after(Duration.ofMillis(1));
        assertEquals(plus(BOOTED, ApplianceState.CAPTURING, ApplianceState.ANALYSING, ApplianceState.RESULT,
                ApplianceState.READY), recorder.sequence());
        appliance.close();
        try (ResultStore store = ResultStore.open(StoreSettings.defaults(tmp.resolve("data"), "test-device"))) {
            var stored = store.get(outcome.storedId()).orElseThrow();
            assertEquals(outcome.result().risk().name(), stored.risk());
            var burst = Json.MAPPER.readTree(stored.resultJson()).get("burst");
            assertEquals(3, burst.get("frames_taken").asInt());
            assertEquals(3, burst.get("frames_passed").asInt());
            assertEquals(2, burst.get("screened_probabilities").size(), "every screened frame's probability is stored");
            for (int i = 0; i < 2; i++) {
                assertEquals(outcome.frameProbabilities().get(i),
                        burst.get("screened_probabilities").get(i).floatValue(), 1e-6);
            }
            assertEquals(List.of("frame.png", "mask.png", "overlay.png", "result.json"),
                    stored.files().stream().map(f -> f.name()).sorted().toList());
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
        boot(resources, FAST, true);
        CaptureOutcome outcome = captureNow();
        assertEquals(2, outcome.framesScreened());
        assertEquals(List.of(withRemoval, withRemoval), outcome.frameProbabilities(),
                "identical frames, hairs removed");
        assertEquals(withRemoval, outcome.result().melanomaProbability(), 1e-6);
    }

    @Test
    void invalidModelsFaultAndRecoverWhenFixed() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        resources.modelFailures = 1;
        boot(resources, FAST);
        assertEquals(BOOT_FAULT, recorder.sequence());
        StateChange fault = recorder.states.get(2);
        assertEquals(Fault.MODEL_INVALID, fault.fault());
        assertEquals("models/x/model.onnx: sha256 does not match the manifest", fault.detail());
        after(FAST.faultRetry().minusMillis(1));
        assertEquals(1, resources.modelFileChecks.get(), "no retry before fault_retry");
        after(Duration.ofMillis(1));
        assertEquals(2, resources.modelFileChecks.get(), "retried");
        assertEquals(1, resources.modelLoads.get(), "unchanged model files are not loaded again");
        assertEquals(BOOT_FAULT, recorder.sequence(), "a retry that fails changes no state");
        resources.modelFilesVersion.incrementAndGet();
        after(FAST.faultRetry());
        assertEquals(2, resources.modelLoads.get());
        assertEquals(plus(BOOT_FAULT, ApplianceState.READY), recorder.sequence());
    }

    /** Boots on a copy of the tiny classifier with its manifest edited, approved or not: FAULT, retried twice. */
    private StateChange faultWithClassifier(Consumer<ObjectNode> edit, boolean approve)
            throws Exception {
        Path classifier = TinyModels.editedCopy(TinyModels.CLS, tmp.resolve("edited"), edit);
        ScriptedResources resources = new ScriptedResources();
        resources.modelFolders = List.of(TinyModels.SEG, classifier);
        if (approve) {
            resources.approved = TinyModels.approving(classifier);
        }
        boot(resources, FAST);
        after(FAST.faultRetry());
        after(FAST.faultRetry());
        assertEquals(3, resources.modelFileChecks.get(), "checked at boot and at each retry");
        assertEquals(1, resources.modelLoads.get(), "unchanged model files are not loaded again");
        assertEquals(BOOT_FAULT, recorder.sequence(), "retried quietly, never READY");
        StateChange fault = recorder.states.get(2);
        assertEquals(Fault.MODEL_INVALID, fault.fault());
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
        boot(resources, FAST);
        assertEquals(BOOT_FAULT, recorder.sequence());
        assertEquals(Fault.NO_CAMERA, appliance.fault());
        assertEquals("/dev/dermatoscope: no such device", recorder.states.get(2).detail());
        after(FAST.faultRetry());
        assertEquals(plus(BOOT_FAULT, ApplianceState.READY), recorder.sequence());
        assertEquals(2, resources.sourceOpens.get());
    }

    @Test
    void storageUnavailableFaultsAndRecovers() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        resources.storeFailures = 1;
        boot(resources, FAST);
        assertEquals(BOOT_FAULT, recorder.sequence());
        assertEquals(Fault.STORAGE_UNAVAILABLE, appliance.fault());
        assertEquals(tmp + "/data: read-only file system", recorder.states.get(2).detail());
        assertEquals(0, resources.modelLoads.get(), "storage is checked first");
        after(FAST.faultRetry());
        assertEquals(plus(BOOT_FAULT, ApplianceState.READY), recorder.sequence());
        assertEquals(2, resources.storeOpens.get());
    }

    @Test
    void freeSpaceBelowTheFloorIsAStorageFault() throws Exception {
        ScriptedResources resources = new ScriptedResources() {
            @Override
            public ResultStore openStore() throws StoreException {
                return ResultStore.open(new StoreSettings(tmp.resolve("data"), Long.MAX_VALUE, null, null, "test"));
            }
        };
        boot(resources, FAST);
        assertEquals(BOOT_FAULT, recorder.sequence());
        assertEquals(Fault.STORAGE_UNAVAILABLE, appliance.fault());
        assertTrue(recorder.states.get(2).detail().contains(": free space below the floor ("),
                recorder.states.get(2).detail());
        appliance.trigger("test", null, null);
        after(FAST.faultRetry());
        assertTrue(recorder.results.isEmpty(), "no capture while in FAULT");
        assertEquals(BOOT_FAULT, recorder.sequence());
    }

    @Test
    void cameraLostDuringCaptureFaultsThenRecovers() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        // grab 0 is the self-test's; the burst's second frame (grab 2) fails, and the retries' grabs 3 to 5
        resources.source = new ScriptedSource(n -> n >= 2 && n < 6, SyntheticLesion.Spec.defaults(320, 240, 2), 0);
        boot(resources, FAST);
        appliance.trigger("test", null, null);
        appliance.runQueued();
        List<ApplianceState> lost = plus(BOOTED, ApplianceState.CAPTURING, ApplianceState.FAULT);
        assertEquals(lost, recorder.sequence());
        assertEquals(Fault.NO_CAMERA, appliance.fault());
        assertEquals("scripted camera: read failed at grab 2", recorder.states.get(4).detail());
        for (int retry = 3; retry <= 5; retry++) {
            after(FAST.faultRetry());
            assertEquals(lost, recorder.sequence(), "grab " + retry + " fails too: still FAULT, quietly");
        }
        after(FAST.faultRetry());
        assertEquals(plus(lost, ApplianceState.READY), recorder.sequence());
        assertTrue(recorder.results.isEmpty(), "no result from a broken burst");
        assertEquals(3, captureNow().framesTaken(), "captures again after recovery");
    }

    @Test
    void burstWithNoUsableFrameIsRetakeWithReasons() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        resources.source = new ScriptedSource(n -> false,
                SyntheticLesion.Spec.defaults(320, 240, 3).withCentre(0.03, 0.5), 0);
        boot(resources, FAST);
        CaptureOutcome outcome = captureNow();
        assertEquals(Risk.RETAKE, outcome.result().risk());
        assertNull(outcome.result().melanomaProbability());
        assertEquals(3, outcome.framesTaken());
        assertEquals(0, outcome.framesPassed());
        assertEquals(0, outcome.framesScreened());
        assertTrue(outcome.result().reasons().stream().anyMatch(r -> r.contains("of 3 frames")),
                outcome.result().reasons().toString());
        assertEquals(1, outcome.storedId(), "a RETAKE is stored too");
    }

    @Test
    void cancelAbandonsTheCapture() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        ScriptedSource frames = ScriptedSource.healthy();
        resources.source = new FrameSource() {
            @Override
            public Frame grab() throws CaptureException {
                if (frames.grabs.get() == 3) {
                    appliance.cancel(); // while the burst's third frame is being grabbed
                }
                return frames.grab();
            }

            @Override
            public String describe() {
                return frames.describe();
            }

            @Override
            public void close() {
                frames.close();
            }
        };
        boot(resources, new ApplianceSettings(10, 2, Duration.ofMillis(300), Duration.ofMillis(100),
                Duration.ofSeconds(10), false));
        appliance.trigger("test", null, null);
        appliance.runQueued();
        assertEquals(plus(BOOTED, ApplianceState.CAPTURING, ApplianceState.READY), recorder.sequence());
        assertEquals("capture cancelled", recorder.states.get(4).detail());
        assertEquals(1 + 3, frames.grabs.get(), "the self-test frame and three of the ten");
        assertTrue(recorder.results.isEmpty());
        assertEquals(2, captureNow().framesScreened(), "the cancel is spent: the next capture runs");
    }

    @Test
    void aFailingListenerDoesNotStopScreening() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        boot(resources, FAST);
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
        assertEquals(3, captureNow().framesTaken());
        assertEquals(plus(BOOTED, ApplianceState.CAPTURING, ApplianceState.ANALYSING, ApplianceState.RESULT),
                recorder.sequence());
    }

    @Test
    void autoCaptureFiresOncePerPlacement() throws Exception {
        ScriptedResources resources = new ScriptedResources();
        boot(resources, new ApplianceSettings(2, 1, Duration.ofSeconds(30), Duration.ofMillis(100),
                Duration.ofMillis(100), true));
        for (int frame = 1; frame < AutoCapture.STEADY_FRAMES; frame++) {
            appliance.runQueued();
            assertTrue(recorder.results.isEmpty(), "preview frame " + frame + ": not steady yet");
        }
        appliance.runQueued();
        assertEquals(1, recorder.results.size(), "a lesion steady for " + AutoCapture.STEADY_FRAMES
                + " preview frames triggers a capture by itself");
        for (int i = 0; i < 10; i++) {
            after(Duration.ofSeconds(5));
        }
        assertEquals(ApplianceState.READY, appliance.state(), "the result was held 30 s");
        assertEquals(1, recorder.results.size(), "the same placement does not trigger again");
        assertTrue(Files.exists(tmp.resolve("data")));
    }

    @Test
    void retentionRunsWhenTheStoreOpensAndOnceADayWhileReady() throws Exception {
        Path data = tmp.resolve("data");
        ScriptedResources resources = new ScriptedResources() {
            @Override
            public ResultStore openStore() throws StoreException {
                storeOpens.incrementAndGet();
                return ResultStore.open(new StoreSettings(data, 0, null, 1, "test-device"));
            }
        };
        boot(resources, FAST);
        captureNow();
        after(FAST.resultHold());
        captureNow();
        after(FAST.resultHold());
        assertEquals(List.of(2L, 1L), storedIds(data), "kept until the daily upkeep");
        after(Duration.ofHours(24).minus(FAST.resultHold().multipliedBy(2)).minusMillis(1));
        assertEquals(List.of(2L, 1L), storedIds(data), "not before a day has passed since the store was opened");
        after(FAST.healthInterval());
        assertEquals(List.of(2L), storedIds(data), "the daily upkeep, at the next health check, keeps the newest");
        captureNow();
        appliance.close();
        assertEquals(List.of(3L, 2L), storedIds(data));
        boot(resources, FAST);
        assertEquals(List.of(3L), storedIds(data), "applied when the store is opened");
        assertEquals(2, resources.storeOpens.get());
    }

    private static List<Long> storedIds(Path data) throws StoreException {
        try (ResultStore store = ResultStore.openShared(data)) {
            return store.list(java.time.Instant.EPOCH, 100).stream().map(s -> s.id()).toList();
        }
    }
}
