package org.melanoscreen.workflow;

import org.melanoscreen.analysis.BurstCombiner;
import org.melanoscreen.analysis.Candidate;
import org.melanoscreen.analysis.OverlayRenderer;
import org.melanoscreen.analysis.QualityReport;
import org.melanoscreen.analysis.ResultJson;
import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.analysis.ScreeningResult;
import org.melanoscreen.capture.CaptureException;
import org.melanoscreen.capture.FrameSource;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.ParityCheck;
import org.melanoscreen.model.Segmentation;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.ScreeningRecord;
import org.melanoscreen.store.StoreDamagedException;
import org.melanoscreen.store.StoreException;
import org.tinylog.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The screening workflow as an explicit state machine, run on one thread:
 * <pre>
 * BOOTING -> SELF_TEST -> READY -> CAPTURING -> ANALYSING -> RESULT -> READY
 *                 |          |          |            |           |
 *                 +----------+----------+------------+-----------+--> FAULT -> READY (when the cause is gone)
 * </pre>
 * A capture grabs a burst, keeps the frames that pass the quality gate, screens the sharpest few and combines
 * them; when none pass the result is RETAKE with the reasons. Triggers (button, console, control socket,
 * auto-capture) and cancels arrive as events from any thread.
 *
 * <p>A result is shown only once it is stored: before READY and before every capture a real write proves the
 * data folder writable, and a result that could not be stored is not shown but leaves the device in FAULT:
 * storage until a write succeeds again. A FAULT is retried quietly (no state change, no audit line, the models
 * loaded again only if their files changed) until its cause is gone. Every FAULT reaches the audit log: one that
 * happens while the store cannot be opened is recorded once it can.
 */
public final class Appliance implements AutoCloseable {
    private static final long POLL_MS = 200;
    private static final int AUTO_STEADY_FRAMES = 3;
    private static final double AUTO_MAX_DRIFT = 0.02;
    /** How often READY checks the index's integrity and applies retention. */
    private static final long MAINTENANCE_EVERY_NANOS = TimeUnit.HOURS.toNanos(24);
    /** Audit lines kept while the store cannot be opened; beyond this only the count of dropped ones is kept. */
    private static final int UNAUDITED_MAX = 1000;

    private sealed interface Event permits Trigger, Cancel, Stop {
    }

    private record Trigger(String origin, String patientRef, String lesionRef, long nanos) implements Event {
    }

    private record Cancel() implements Event {
    }

    private record Stop() implements Event {
    }

    private record Unaudited(Instant time, String kind, String message) {
    }

    private final ApplianceSettings settings;
    private final Resources resources;
    private final PipelineFactory pipelineFactory;
    private final String deviceId;
    private final String softwareVersion;
    private final List<ApplianceListener> listeners = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final java.util.Set<ApplianceListener> failingListeners = new java.util.HashSet<>();
    private final LongSupplier clock;
    private final List<Unaudited> unaudited = new ArrayList<>();

    private volatile ApplianceState state = ApplianceState.BOOTING;
    private volatile Fault fault;
    private volatile boolean cancelRequested;
    private volatile long lastProgressNanos;
    private Thread thread;

    private ModelSet models;
    private ScreeningPipeline pipeline;
    private FrameSource source;
    private ResultStore store;
    private long nextCheckNanos;
    private long resultUntilNanos;
    private long lastMaintenanceNanos;
    private String failedModelFiles;
    private int unauditedDropped;
    private final AutoCapture auto = new AutoCapture();

    /** Builds the pipeline for loaded models; refuses (a FAULT) models it cannot screen with. */
    @FunctionalInterface
    public interface PipelineFactory {
        ScreeningPipeline create(ModelSet models) throws ModelException;
    }

    public Appliance(ApplianceSettings settings, Resources resources, PipelineFactory pipelineFactory,
                     String deviceId, String softwareVersion) {
        this(settings, resources, pipelineFactory, deviceId, softwareVersion, System::nanoTime);
    }

    /** With {@code clock} (nanoseconds, as {@link System#nanoTime}) deciding every retry, hold and check. */
    Appliance(ApplianceSettings settings, Resources resources, PipelineFactory pipelineFactory,
              String deviceId, String softwareVersion, LongSupplier clock) {
        this.settings = settings;
        this.resources = resources;
        this.pipelineFactory = pipelineFactory;
        this.deviceId = deviceId;
        this.softwareVersion = softwareVersion;
        this.clock = clock;
        this.lastProgressNanos = clock.getAsLong();
        this.lastMaintenanceNanos = clock.getAsLong();
    }

    public void addListener(ApplianceListener listener) {
        listeners.add(listener);
    }

    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(this::run, "appliance");
        thread.start();
    }

    /** Asks for a capture; ignored (with a log line) unless READY or showing a RESULT. */
    public void trigger(String origin, String patientRef, String lesionRef) {
        events.add(new Trigger(origin, patientRef, lesionRef, clock.getAsLong()));
    }

    /** Abandons the capture under way, if any. */
    public void cancel() {
        cancelRequested = true;
        events.add(new Cancel());
    }

    public ApplianceState state() {
        return state;
    }

    public Fault fault() {
        return fault;
    }

    /** When the workflow last made progress (on the appliance's clock); a watchdog compares it with the clock. */
    public long lastProgressNanos() {
        return lastProgressNanos;
    }

    /** Stops after the current step, abandoning a capture under way, and releases camera, store and models. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            releaseAll();
            return;
        }
        cancelRequested = true;
        events.add(new Stop());
        try {
            t.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            Logger.error("Appliance thread did not stop within 30 s");
        }
    }

    private void run() {
        try {
            enter(ApplianceState.BOOTING, null, "software " + softwareVersion + ", device " + deviceId);
            enter(ApplianceState.SELF_TEST, null, "checking storage, models and camera");
            if (checksPass()) {
                enter(ApplianceState.READY, null, "ready: " + source.describe());
            }
            while (true) {
                lastProgressNanos = clock.getAsLong();
                Event event = events.poll(POLL_MS, TimeUnit.MILLISECONDS);
                if (event instanceof Stop) {
                    break;
                }
                if (event instanceof Cancel) {
                    cancelRequested = false;
                    continue;
                }
                handle((Trigger) event);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            Logger.error(e, "Appliance workflow failed");
        } finally {
            releaseAll();
            Logger.info("Appliance stopped: camera, results store and models released");
        }
    }

    private void handle(Trigger trigger) {
        long now = clock.getAsLong();
        switch (state) {
            case FAULT -> {
                if (trigger != null) {
                    Logger.warn("Capture from {} ignored: FAULT ({})", trigger.origin(), fault.label());
                }
                if (now >= nextCheckNanos) {
                    retryFault();
                }
            }
            case RESULT, READY -> {
                if (trigger != null) {
                    capture(trigger);
                    return;
                }
                if (state == ApplianceState.RESULT && now >= resultUntilNanos) {
                    if (!storageUsable(true)) {
                        return;
                    }
                    enter(ApplianceState.READY, null, "ready");
                }
                if (settings.autoCapture() && auto.steadyLesion()) {
                    capture(new Trigger("auto-capture", null, null, clock.getAsLong()));
                } else if (now >= nextCheckNanos) {
                    healthCheck();
                }
            }
            default -> {
                if (trigger != null) {
                    Logger.warn("Capture from {} ignored while {}", trigger.origin(), state);
                }
            }
        }
    }

    /** Checks the FAULT's cause again, staying in FAULT quietly while any check fails. */
    private void retryFault() {
        Fault was = fault;
        if (checksPass()) {
            auditQuietly("FAULT", "cleared: " + was.label());
            enter(ApplianceState.READY, null, "ready again (" + was.label() + " cleared): " + source.describe());
        }
    }

    /** Storage, then models, then camera; the first that fails is the FAULT. */
    private boolean checksPass() {
        if (!storageUsable(true) || !modelsLoaded() || !cameraWorks()) {
            return false;
        }
        nextCheckNanos = clock.getAsLong() + settings.healthInterval().toNanos();
        return true;
    }

    /** Loads the models unless they are loaded, or failed to load from files that have not changed since. */
    private boolean modelsLoaded() {
        if (models != null) {
            return true;
        }
        String files = resources.modelFilesState();
        if (files.equals(failedModelFiles)) {
            faultWith(Fault.MODEL_INVALID, "model files unchanged since they failed to load");
            return false;
        }
        try {
            models = resources.loadModels();
            Logger.info("Self-test: {}", ParityCheck.verify(models));
            pipeline = pipelineFactory.create(models);
            failedModelFiles = null;
            return true;
        } catch (ModelException e) {
            failedModelFiles = files;
            faultWith(Fault.MODEL_INVALID, e.getMessage());
            return false;
        }
    }

    private boolean cameraWorks() {
        try {
            if (source == null) {
                source = resources.openSource();
            }
            try (Frame probe = source.grab()) {
                Logger.debug("Self-test frame {}x{}", probe.width(), probe.height());
            }
            return true;
        } catch (CaptureException e) {
            faultWith(e);
            return false;
        }
    }

    /**
     * Opens the store if needed (recording the audit lines it missed), checks the free-space floor and, when
     * {@code prove}, writes a probe file: the check before READY and before every capture.
     */
    private boolean storageUsable(boolean prove) {
        try {
            if (store == null) {
                store = resources.openStore();
                recordUnaudited();
            }
            if (store.belowFreeSpaceFloor()) {
                faultWith(Fault.STORAGE_UNAVAILABLE, store.dataFolder() + ": free space below the floor ("
                        + store.freeBytes() / (1024 * 1024) + " MB left)");
                return false;
            }
            if (prove) {
                store.proveWritable();
            }
            return true;
        } catch (StoreDamagedException e) {
            storeDamaged(e);
            return false;
        } catch (StoreException e) {
            faultWith(Fault.STORAGE_UNAVAILABLE, e.getMessage());
            return false;
        }
    }

    /** Nothing more is written to a damaged index: it is closed, and opened (and checked) again at each retry. */
    private void storeDamaged(StoreDamagedException e) {
        releaseStore();
        faultWith(Fault.STORAGE_DAMAGED, e.getMessage());
    }

    private void healthCheck() {
        nextCheckNanos = clock.getAsLong() + settings.healthInterval().toNanos();
        if (!storageUsable(false)) {
            return;
        }
        if (clock.getAsLong() - lastMaintenanceNanos >= MAINTENANCE_EVERY_NANOS && !maintainStore()) {
            return;
        }
        try (Frame frame = source.grab()) {
            if (settings.autoCapture()) {
                auto.observe(frame);
            }
        } catch (CaptureException e) {
            faultWith(e);
        } catch (ModelException e) {
            faultWith(Fault.MODEL_INVALID, e.getMessage());
        }
    }

    private void capture(Trigger trigger) {
        cancelRequested = false;
        if (!storageUsable(true)) {
            return;
        }
        enter(ApplianceState.CAPTURING, null, "capture from " + trigger.origin() + ": " + settings.burstFrames()
                + " frames");
        List<Frame> frames = new ArrayList<>();
        try {
            for (int i = 0; i < settings.burstFrames(); i++) {
                if (cancelRequested) {
                    abandon("capture cancelled");
                    return;
                }
                frames.add(source.grab());
                lastProgressNanos = clock.getAsLong();
            }
            enter(ApplianceState.ANALYSING, null, "analysing " + frames.size() + " frames");
            analyse(trigger, frames);
        } catch (CaptureException e) {
            faultWith(e);
        } catch (ModelException e) {
            faultWith(Fault.MODEL_INVALID, e.getMessage());
        } finally {
            frames.forEach(Frame::close);
        }
    }

    private void analyse(Trigger trigger, List<Frame> frames) throws ModelException {
        List<Candidate> candidates = new ArrayList<>();
        try {
            for (Frame frame : frames) {
                if (cancelRequested) {
                    abandon("analysis cancelled");
                    return;
                }
                candidates.add(pipeline.gate(frame));
                lastProgressNanos = clock.getAsLong();
            }
            decide(trigger, frames.size(), candidates);
        } finally {
            candidates.forEach(Candidate::close);
        }
    }

    /** Screens the best candidates of a burst, combines their results, stores and shows the outcome. */
    private void decide(Trigger trigger, int frameCount, List<Candidate> candidates) throws ModelException {
        Comparator<Candidate> sharpestFirst = Comparator.comparingDouble(
                (Candidate c) -> Double.isNaN(c.quality().sharpness()) ? -1 : c.quality().sharpness()).reversed();
        List<Candidate> passed = candidates.stream().filter(c -> c.quality().passed()).sorted(sharpestFirst).toList();
        ScreeningResult result;
        Candidate shown;
        List<Float> probabilities = List.of();
        if (passed.isEmpty()) {
            shown = candidates.stream().sorted(sharpestFirst).findFirst().orElseThrow();
            result = BurstCombiner.noUsableFrame(pipeline.retake(shown),
                    candidates.stream().map(Candidate::quality).toList());
        } else {
            List<Candidate> best = passed.subList(0, Math.min(settings.screenBest(), passed.size()));
            List<ScreeningResult> results = new ArrayList<>();
            for (Candidate c : best) {
                results.add(pipeline.classify(c));
                lastProgressNanos = clock.getAsLong();
            }
            BurstCombiner.Combined combined = BurstCombiner.combine(results, pipeline.policy());
            result = combined.result();
            shown = best.get(combined.shown());
            probabilities = combined.probabilities();
        }
        if (cancelRequested) {
            abandon("analysis cancelled");
            return;
        }
        double ms = (clock.getAsLong() - trigger.nanos()) / 1e6;
        long id;
        try {
            id = store(trigger, shown.original(), result, frameCount, passed.size(), probabilities);
        } catch (StoreException e) {
            Logger.error("Result not stored, so not shown: {}", e.getMessage());
            faultWith(Fault.STORAGE_UNAVAILABLE, "this capture's result could not be stored, so it is not shown ("
                    + e.getMessage() + "); capture again once storage works");
            return;
        }
        CaptureOutcome outcome = new CaptureOutcome(result, id, trigger.patientRef(), trigger.lesionRef(),
                frameCount, passed.size(), probabilities, ms);
        resultUntilNanos = clock.getAsLong() + settings.resultHold().toNanos();
        enter(ApplianceState.RESULT, null, result.risk().name());
        notifyListeners(l -> l.resultReady(outcome));
    }

    private long store(Trigger trigger, Frame frame, ScreeningResult result, int framesTaken, int framesPassed,
                       List<Float> frameProbabilities) throws StoreException {
        Map<String, String> modelHashes = models.hashes();
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("frame.png", FramePng.encode(frame));
        files.put("mask.png", FramePng.encode(result.mask()));
        files.put("overlay.png", OverlayRenderer.png(frame, result));
        ScreeningRecord record = new ScreeningRecord(Instant.now(), deviceId, trigger.patientRef(),
                trigger.lesionRef(), result.risk().name(),
                result.melanomaProbability() == null ? null : result.melanomaProbability().doubleValue(),
                ResultJson.withBurst(ResultJson.result(result), framesTaken, framesPassed, frameProbabilities)
                        .toString(), modelHashes, softwareVersion, files);
        return store.save(record);
    }

    /** The daily integrity check of the index, then retention; false when either FAULTed. */
    private boolean maintainStore() {
        lastMaintenanceNanos = clock.getAsLong();
        try {
            store.checkIntegrity();
            int removed = store.applyRetention();
            if (removed > 0) {
                Logger.info("Retention removed {} old results", removed);
            }
            return true;
        } catch (StoreDamagedException e) {
            storeDamaged(e);
            return false;
        } catch (StoreException e) {
            faultWith(Fault.STORAGE_UNAVAILABLE, e.getMessage());
            return false;
        }
    }

    private void abandon(String why) {
        cancelRequested = false;
        enter(ApplianceState.READY, null, why);
    }

    /** No frames: the source's own remedy for this cause goes with the FAULT. */
    private void faultWith(CaptureException e) {
        faultWith(Fault.NO_CAMERA, e.getMessage(), e.remedy());
    }

    private void faultWith(Fault cause, String detail) {
        faultWith(cause, detail, cause.action());
    }

    private void faultWith(Fault cause, String detail, String action) {
        nextCheckNanos = clock.getAsLong() + settings.faultRetry().toNanos();
        if (state == ApplianceState.FAULT && fault == cause) {
            Logger.debug("Still FAULT: {}", detail);
            return;
        }
        if (cause == Fault.NO_CAMERA && source != null) {
            Logger.info("Camera lost: {}", detail);
        }
        if (cause == Fault.MODEL_INVALID) {
            releaseModels();
        }
        enter(new StateChange(Instant.now(), ApplianceState.FAULT, cause, detail, action));
        auditQuietly("FAULT", cause.label() + ": " + detail);
    }

    private void enter(ApplianceState next, Fault cause, String detail) {
        enter(new StateChange(Instant.now(), next, cause, detail));
    }

    private void enter(StateChange change) {
        state = change.state();
        fault = change.fault();
        lastProgressNanos = clock.getAsLong();
        notifyListeners(l -> l.stateChanged(change));
    }

    /** A failing listener (a display, a LED) is logged once, told again next time, and never stops screening. */
    private void notifyListeners(java.util.function.Consumer<ApplianceListener> call) {
        for (ApplianceListener l : listeners) {
            try {
                call.accept(l);
                if (failingListeners.remove(l)) {
                    Logger.info("Listener {} works again", l);
                }
            } catch (RuntimeException e) {
                if (failingListeners.add(l)) {
                    Logger.error(e, "Listener {} failed; screening goes on without it until it recovers", l);
                }
            }
        }
    }

    /** Audits now, or keeps the line for when the store can be opened. */
    private void auditQuietly(String kind, String message) {
        Unaudited line = new Unaudited(Instant.now(), kind, message);
        if (store != null && recordUnaudited()) {
            try {
                store.audit(line.time(), kind, message);
                return;
            } catch (StoreException e) {
                Logger.warn("Audit line kept until the store works: {}", e.getMessage());
            }
        }
        if (unaudited.size() < UNAUDITED_MAX) {
            unaudited.add(line);
        } else {
            unauditedDropped++;
        }
    }

    /** Writes the audit lines kept while the store was unavailable, with their own times; true when none is left. */
    private boolean recordUnaudited() {
        try {
            while (!unaudited.isEmpty()) {
                Unaudited u = unaudited.get(0);
                store.audit(u.time(), u.kind(), u.message() + " (recorded late: the store was unavailable)");
                unaudited.remove(0);
            }
            if (unauditedDropped > 0) {
                store.audit("FAULT", unauditedDropped + " more audit line(s) lost while the store was unavailable");
                unauditedDropped = 0;
            }
            return true;
        } catch (StoreException e) {
            Logger.warn("{} audit line(s) kept until the store works: {}", unaudited.size(), e.getMessage());
            return false;
        }
    }

    private void releaseModels() {
        if (pipeline != null) {
            pipeline.close();
            pipeline = null;
        }
        if (models != null) {
            models.close();
            models = null;
        }
    }

    private void releaseAll() {
        if (source != null) {
            source.close();
            source = null;
        }
        releaseStore();
        releaseModels();
    }

    private void releaseStore() {
        if (store != null) {
            try {
                store.close();
            } catch (StoreException e) {
                Logger.error("Closing the results store failed: {}", e.getMessage());
            }
            store = null;
        }
    }

    /**
     * Watches preview frames for a lesion that passes the gate in several frames in a row without moving, and
     * arms again only after the lesion has gone, so one placement gives one capture.
     */
    private final class AutoCapture {
        private int steady;
        private double lastX = Double.NaN;
        private double lastY = Double.NaN;
        private boolean armed = true;

        boolean steadyLesion() {
            try (Frame frame = source.grab()) {
                observe(frame);
            } catch (CaptureException e) {
                faultWith(e);
                return false;
            } catch (ModelException e) {
                faultWith(Fault.MODEL_INVALID, e.getMessage());
                return false;
            }
            if (armed && steady >= AUTO_STEADY_FRAMES) {
                armed = false;
                steady = 0;
                return true;
            }
            return false;
        }

        void observe(Frame frame) throws ModelException {
            Segmentation seg;
            QualityReport q;
            try (Candidate candidate = pipeline.gate(frame)) {
                seg = candidate.segmentation();
                q = candidate.quality();
            }
            if (!q.passed()) {
                steady = 0;
                armed = true;
                lastX = Double.NaN;
                return;
            }
            int[] box = seg.mask().bbox();
            double x = (box[0] + box[2]) / 2.0 / seg.mask().width();
            double y = (box[1] + box[3]) / 2.0 / seg.mask().height();
            boolean still = !Double.isNaN(lastX) && Math.hypot(x - lastX, y - lastY) < AUTO_MAX_DRIFT;
            steady = still ? steady + 1 : 1;
            lastX = x;
            lastY = y;
        }
    }
}
