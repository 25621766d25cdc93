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

    FrameSource openSource() throws CaptureException;

    ResultStore openStore() throws StoreException;
}
