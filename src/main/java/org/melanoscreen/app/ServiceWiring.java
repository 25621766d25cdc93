package org.melanoscreen.app;

import org.melanoscreen.analysis.ScreeningSettings;
import org.melanoscreen.capture.CaptureException;
import org.melanoscreen.capture.FrameSource;
import org.melanoscreen.capture.SourceFactory;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.SessionSettings;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;
import org.melanoscreen.store.StoreSettings;
import org.melanoscreen.workflow.Appliance;
import org.melanoscreen.workflow.ApplianceSettings;
import org.melanoscreen.workflow.Resources;

import java.nio.file.Path;
import java.util.List;

/** The appliance as the configuration describes it: its models, camera, store and pipeline, from their settings. */
final class ServiceWiring {
    private ServiceWiring() {
    }

    /** {@code destinations}: the outbox destinations every screening stored from now on is queued for. */
    static Appliance appliance(ServiceConfig config, Path dataFolder, List<String> destinations) {
        ScreeningSettings screening = ScreeningSettings.from(config.values());
        return new Appliance(ApplianceSettings.from(config.values()), resources(config, dataFolder, destinations),
                screening::pipeline, config.text("device.id"), new Main.Version().getVersion()[0]);
    }

    private static Resources resources(ServiceConfig config, Path dataFolder, List<String> destinations) {
        List<Path> modelFolders = ServiceParts.modelFolders(config);
        SessionSettings session = ServiceParts.sessionSettings(config);
        StoreSettings store = ServiceParts.storeSettings(config, dataFolder);
        SourceFactory.Plan source = SourceFactory.from(config.values());
        return new Resources() {
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
                return ResultStore.open(store);
            }

            /** Retention is the appliance's (at open, daily); the configuration's changes are audited here. */
            @Override
            public void storeOpened(ResultStore opened) throws StoreException {
                opened.forwardTo(destinations);
                ConfigurationAudit.record(opened, config);
            }
        };
    }
}
