package org.melanoscreen.workflow;

import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.capture.CaptureException;
import org.melanoscreen.capture.FrameSource;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.ParityCheck;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreDamagedException;
import org.melanoscreen.store.StoreException;
import org.tinylog.Logger;

import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * What the appliance screens with: the models and their pipeline, the camera and the results store, each obtained
 * from {@link Resources} when first needed and again after it failed. Every check answers null when it passes, or
 * the {@link Problem} it found (having released what can no longer be trusted: models that failed, a damaged
 * index). Used on the appliance's thread only.
 */
final class Equipment implements AutoCloseable {
    private final Resources resources;
    private final Appliance.PipelineFactory pipelineFactory;
    private final StoreUpkeep upkeep;
    private final PendingAudit pendingAudit = new PendingAudit();

    private ModelSet models;
    private ScreeningPipeline pipeline;
    private FrameSource source;
    private ResultStore store;
    private String failedModelFiles;

    Equipment(Resources resources, Appliance.PipelineFactory pipelineFactory, LongSupplier clock) {
        this.resources = resources;
        this.pipelineFactory = pipelineFactory;
        this.upkeep = new StoreUpkeep(clock);
    }

    ModelSet models() {
        return models;
    }

    ScreeningPipeline pipeline() {
        return pipeline;
    }

    FrameSource source() {
        return source;
    }

    ResultStore store() {
        return store;
    }

    /** Storage, then models, then camera: the first problem, or null. */
    Problem check() {
        Problem p = storage(true);
        if (p == null) {
            p = loadModels();
        }
        return p == null ? camera() : p;
    }

    /**
     * Opens the store if needed (applying retention, recording the audit lines it missed), checks the free-space
     * floor and, when {@code prove}, writes a probe file: the check before READY and before every capture.
     */
    Problem storage(boolean prove) {
        try {
            if (store == null) {
                openStore();
            }
            if (store.belowFreeSpaceFloor()) {
                return Problem.of(Fault.STORAGE_UNAVAILABLE, store.dataFolder() + ": free space below the floor ("
                        + store.freeBytes() / (1024 * 1024) + " MB left)");
            }
            if (prove) {
                store.proveWritable();
            }
            return null;
        } catch (StoreException e) {
            return storeProblem(e);
        }
    }

    /** The daily integrity check and retention, when due. */
    Problem maintainIfDue() {
        if (!upkeep.due()) {
            return null;
        }
        try {
            upkeep.daily(store);
            return null;
        } catch (StoreException e) {
            return storeProblem(e);
        }
    }

    /** Nothing more is written to a damaged index: it is closed, and opened (and checked) again at each retry. */
    private Problem storeProblem(StoreException e) {
        if (e instanceof StoreDamagedException) {
            releaseStore();
            return Problem.of(Fault.STORAGE_DAMAGED, e.getMessage());
        }
        return Problem.of(Fault.STORAGE_UNAVAILABLE, e.getMessage());
    }

    private void openStore() throws StoreException {
        ResultStore opened = resources.openStore();
        try {
            resources.storeOpened(opened);
            upkeep.opened(opened);
        } catch (StoreException | RuntimeException e) {
            // closed, so that the retry opens it again
            try {
                opened.close();
            } catch (StoreException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
        store = opened;
        pendingAudit.flush(store);
    }

    /** Loads the models unless they are loaded, or failed to load from files that have not changed since. */
    private Problem loadModels() {
        if (models != null) {
            return null;
        }
        String files = resources.modelFilesState();
        if (files.equals(failedModelFiles)) {
            return Problem.of(Fault.MODEL_INVALID, "model files unchanged since they failed to load");
        }
        try {
            models = resources.loadModels();
            Logger.info("Self-test: {}", ParityCheck.verify(models));
            pipeline = pipelineFactory.create(models);
            failedModelFiles = null;
            return null;
        } catch (ModelException e) {
            failedModelFiles = files;
            return Problem.of(Fault.MODEL_INVALID, e.getMessage());
        }
    }

    private Problem camera() {
        try {
            if (source == null) {
                source = resources.openSource();
            }
            try (Frame probe = source.grab()) {
                Logger.debug("Self-test frame {}x{}", probe.width(), probe.height());
            }
            return null;
        } catch (CaptureException e) {
            return Problem.of(e);
        }
    }

    /** Audits now, or keeps the line for when the store can be opened. */
    void audit(String kind, String message) {
        pendingAudit.audit(store, Instant.now(), kind, message);
    }

    void releaseModels() {
        if (pipeline != null) {
            pipeline.close();
            pipeline = null;
        }
        if (models != null) {
            models.close();
            models = null;
        }
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

    /** Releases camera, store and models. */
    @Override
    public void close() {
        if (source != null) {
            source.close();
            source = null;
        }
        releaseStore();
        releaseModels();
    }
}
