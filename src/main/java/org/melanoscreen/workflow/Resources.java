package org.melanoscreen.workflow;

import org.melanoscreen.capture.CaptureException;
import org.melanoscreen.capture.FrameSource;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;

/** How the appliance obtains what it screens with; each may fail, and is asked again when a FAULT is retried. */
public interface Resources {
    ModelSet loadModels() throws ModelException;

    /**
     * What the model files are now (names, sizes, modification times): a FAULT retry loads the models again only
     * when this differs from what it was at the failed load.
     */
    String modelFilesState();

    FrameSource openSource() throws CaptureException;

    ResultStore openStore() throws StoreException;

    /**
     * Called with each store just opened, before retention; a failure closes it again (and is a FAULT: storage),
     * so that the retry opens it afresh. The service audits its configuration's changes here.
     */
    default void storeOpened(ResultStore store) throws StoreException {
    }
}
