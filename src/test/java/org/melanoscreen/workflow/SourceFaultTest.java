package org.melanoscreen.workflow;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.capture.CaptureException;
import org.melanoscreen.capture.FrameSource;
import org.melanoscreen.capture.SourceFactory;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.TestImages;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.TinyModels;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;
import org.melanoscreen.store.StoreSettings;
import org.melanoscreen.analysis.ScreeningSettings;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A FAULT for want of frames carries the remedy for its actual cause, from the source that failed. */
class SourceFaultTest {
    @TempDir
    Path tmp;

    private Appliance appliance;
    private final ApplianceTest.Recorder recorder = new ApplianceTest.Recorder();

    @AfterEach
    void stop() {
        if (appliance != null) {
            appliance.close();
        }
    }

    private void start(String sourceSpec) {
        SourceFactory.Plan plan = SourceFactory.parse(sourceSpec);
        Resources resources = new Resources() {
            @Override
            public ModelSet loadModels() throws ModelException {
                return ModelSet.load(TinyModels.pair(), TinyModels.SETTINGS);
            }

            @Override
            public FrameSource openSource() throws CaptureException {
                return plan.open();
            }

            @Override
            public ResultStore openStore() throws StoreException {
                return ResultStore.open(StoreSettings.defaults(tmp.resolve("data"), "test-device"));
            }

            @Override
            public String modelFilesState() {
                return "unchanged";
            }
        };
        appliance = new Appliance(ApplianceTest.FAST, resources, models -> ScreeningPipeline.create(models,
                ScreeningSettings.DEFAULT), "test-device", "test");
        appliance.addListener(recorder);
        appliance.start();
    }

    @Test
    void aSimulatedUnplugFaultsWithItsOwnRemedyAndRecovers() throws Exception {
        start("simulated?width=320&height=240&fps=120&unplug-after=1&replug-after=2");
        recorder.await(ApplianceState.READY, 1);
        StateChange fault = recorder.await(ApplianceState.FAULT, 1);
        assertEquals(Fault.NO_CAMERA, fault.fault());
        assertEquals("simulated dermatoscope: unplugged (unplug-after=1) at grab 2", fault.detail());
        assertEquals("none: the simulated scope is plugged back in after 2 failed grabs", fault.action());
        recorder.await(ApplianceState.READY, 2);
    }

    @Test
    void aReplayFolderThatRunsOutSaysSoInsteadOfBlamingTheCable() throws Exception {
        try (Frame f = TestImages.lesion(160, 120, 1).toFrame("a")) {
            Files.write(tmp.resolve("a.png"), TestImages.encode(f, ".png"));
        }
        start("folder:" + tmp);
        recorder.await(ApplianceState.READY, 1);
        StateChange fault = recorder.await(ApplianceState.FAULT, 1);
        assertTrue(fault.detail().endsWith("all 1 images delivered"), fault.detail());
        assertEquals("restart the service to replay " + tmp + ", or add ?loop=true to the folder source",
                fault.action());
    }
}
