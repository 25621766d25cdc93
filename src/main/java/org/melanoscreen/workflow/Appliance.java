package org.melanoscreen.workflow;

import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.capture.CaptureException;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.store.StoreException;
import org.tinylog.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
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
 * happens while the store cannot be opened is recorded once it can ({@link PendingAudit}).
 *
 * <p>This class holds the states and events only; camera, models and store are {@link Equipment}'s (retention
 * {@link StoreUpkeep}'s), the burst's analysis {@link BurstAnalyser}'s, the stored record {@link Archiver}'s and
 * auto-capture {@link AutoCapture}'s. (About 380 lines, over the usual 350, for the reason that what is left is
 * one state machine: its public events and queries, the loop that can also be driven step by step, and one method
 * per state's handling; splitting those would scatter the transitions.)
 */
public final class Appliance implements AutoCloseable {
    private static final long POLL_MS = 200;

    private sealed interface Event permits Trigger, Cancel, Stop {
    }

    private record Trigger(String origin, String patientRef, String lesionRef, long nanos) implements Event {
    }

    private record Cancel() implements Event {
    }

    private record Stop() implements Event {
    }

    private final ApplianceSettings settings;
    private final String deviceId;
    private final String softwareVersion;
    private final Listeners listeners = new Listeners();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final LongSupplier clock;
    private final Archiver archiver;
    private final Equipment equipment;
    private final AutoCapture auto = new AutoCapture();

    private volatile ApplianceState state = ApplianceState.BOOTING;
    private volatile Fault fault;
    private volatile boolean cancelRequested;
    private volatile long lastProgressNanos;
    private Thread thread;

    private long nextCheckNanos;
    private long resultUntilNanos;

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
        this.deviceId = deviceId;
        this.softwareVersion = softwareVersion;
        this.clock = clock;
        this.archiver = new Archiver(deviceId, softwareVersion);
        this.equipment = new Equipment(resources, pipelineFactory, clock);
        this.lastProgressNanos = clock.getAsLong();
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
            equipment.close();
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
            boot();
            while (step(events.poll(POLL_MS, TimeUnit.MILLISECONDS))) {
                lastProgressNanos = clock.getAsLong();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            Logger.error(e, "Appliance workflow failed");
        } finally {
            equipment.close();
            Logger.info("Appliance stopped: camera, results store and models released");
        }
    }

    /** BOOTING, SELF_TEST, then READY when the checks pass (else FAULT). On the caller's thread: for tests. */
    void boot() {
        enter(ApplianceState.BOOTING, "software " + softwareVersion + ", device " + deviceId);
        enter(ApplianceState.SELF_TEST, "checking storage, models and camera");
        if (checksPass()) {
            enter(ApplianceState.READY, "ready: " + equipment.source().describe());
        }
    }

    /**
     * Handles the events queued so far, then what is due at the clock's time (a hold ending, a retry, a check),
     * on the caller's thread: how tests drive the appliance without its thread or real time.
     */
    void runQueued() {
        Event event;
        while ((event = events.poll()) != null) {
            step(event);
        }
        step(null);
    }

    /** One event, or (null) the clock's time passing; false for Stop. */
    private boolean step(Event event) {
        if (event instanceof Stop) {
            return false;
        }
        if (event instanceof Cancel) {
            cancelRequested = false;
        } else {
            handle((Trigger) event);
        }
        return true;
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
                    enter(ApplianceState.READY, "ready");
                }
                if (settings.autoCapture() && steadyLesion()) {
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
            equipment.audit("FAULT", "cleared: " + was.label());
            enter(ApplianceState.READY, "ready again (" + was.label() + " cleared): " + equipment.source().describe());
        }
    }

    /** Storage, then models, then camera; the first that fails is the FAULT. */
    private boolean checksPass() {
        if (faulted(equipment.check())) {
            return false;
        }
        nextCheckNanos = clock.getAsLong() + settings.healthInterval().toNanos();
        return true;
    }

    /** Storage (see {@link Equipment#storage}); false when it FAULTed. */
    private boolean storageUsable(boolean prove) {
        return !faulted(equipment.storage(prove));
    }

    private void healthCheck() {
        nextCheckNanos = clock.getAsLong() + settings.healthInterval().toNanos();
        if (!storageUsable(false) || faulted(equipment.maintainIfDue())) {
            return;
        }
        try (Frame frame = equipment.source().grab()) {
            if (settings.autoCapture()) {
                auto.observe(equipment.pipeline(), frame);
            }
        } catch (CaptureException | ModelException e) {
            fault(Problem.of(e));
        }
    }

    /** A preview frame through {@link AutoCapture}: true when it says capture now. */
    private boolean steadyLesion() {
        try (Frame frame = equipment.source().grab()) {
            auto.observe(equipment.pipeline(), frame);
        } catch (CaptureException | ModelException e) {
            fault(Problem.of(e));
            return false;
        }
        return auto.fires();
    }

    private void capture(Trigger trigger) {
        cancelRequested = false;
        if (!storageUsable(true)) {
            return;
        }
        enter(ApplianceState.CAPTURING, "capture from " + trigger.origin() + ": " + settings.burstFrames()
                + " frames");
        List<Frame> frames = new ArrayList<>();
        try {
            for (int i = 0; i < settings.burstFrames(); i++) {
                if (cancelRequested) {
                    abandon("capture cancelled");
                    return;
                }
                frames.add(equipment.source().grab());
                lastProgressNanos = clock.getAsLong();
            }
            enter(ApplianceState.ANALYSING, "analysing " + frames.size() + " frames");
            BurstOutcome burst = BurstAnalyser.analyse(equipment.pipeline(), frames, settings.screenBest(),
                    () -> cancelRequested, () -> lastProgressNanos = clock.getAsLong());
            if (burst == null || cancelRequested) {
                abandon("analysis cancelled");
                return;
            }
            storeAndShow(trigger, burst, frames.get(burst.shownFrame()));
        } catch (CaptureException | ModelException e) {
            fault(Problem.of(e));
        } finally {
            frames.forEach(Frame::close);
        }
    }

    /** Stores the burst's result and shows it; one that cannot be stored is not shown (FAULT: storage). */
    private void storeAndShow(Trigger trigger, BurstOutcome burst, Frame shown) {
        double ms = (clock.getAsLong() - trigger.nanos()) / 1e6;
        long id;
        try {
            id = equipment.store().save(archiver.record(Instant.now(), trigger.patientRef(), trigger.lesionRef(),
                    burst, shown, equipment.models()));
        } catch (StoreException e) {
            Logger.error("Result not stored, so not shown: {}", e.getMessage());
            fault(Problem.of(Fault.STORAGE_UNAVAILABLE, "this capture's result could not be stored, so it is not "
                    + "shown (" + e.getMessage() + "); capture again once storage works"));
            return;
        }
        CaptureOutcome outcome = new CaptureOutcome(burst.result(), id, trigger.patientRef(), trigger.lesionRef(),
                burst.framesTaken(), burst.framesPassed(), burst.frameProbabilities(), ms);
        resultUntilNanos = clock.getAsLong() + settings.resultHold().toNanos();
        enter(ApplianceState.RESULT, burst.result().risk().name());
        listeners.tell(l -> l.resultReady(outcome));
    }

    private void abandon(String why) {
        cancelRequested = false;
        enter(ApplianceState.READY, why);
    }

    /** FAULTs with {@code problem} unless it is null; true when it did. */
    private boolean faulted(Problem problem) {
        if (problem == null) {
            return false;
        }
        fault(problem);
        return true;
    }

    private void fault(Problem p) {
        nextCheckNanos = clock.getAsLong() + settings.faultRetry().toNanos();
        if (state == ApplianceState.FAULT && fault == p.cause()) {
            Logger.debug("Still FAULT: {}", p.detail());
            return;
        }
        if (p.cause() == Fault.NO_CAMERA && equipment.source() != null) {
            Logger.info("Camera lost: {}", p.detail());
        }
        if (p.cause() == Fault.MODEL_INVALID) {
            equipment.releaseModels();
        }
        enter(new StateChange(Instant.now(), ApplianceState.FAULT, p.cause(), p.detail(), p.action()));
        equipment.audit("FAULT", p.cause().label() + ": " + p.detail());
    }

    private void enter(ApplianceState next, String detail) {
        enter(new StateChange(Instant.now(), next, null, detail));
    }

    private void enter(StateChange change) {
        state = change.state();
        fault = change.fault();
        lastProgressNanos = clock.getAsLong();
        listeners.tell(l -> l.stateChanged(change));
    }
}
