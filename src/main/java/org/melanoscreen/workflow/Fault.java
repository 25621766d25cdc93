package org.melanoscreen.workflow;

/** Why the appliance cannot screen, with what the person at the device should do. */
public enum Fault {
    NO_CAMERA("no camera", "check the dermatoscope's USB cable"),
    MODEL_INVALID("model invalid", "reinstall the software; the models are missing or damaged"),
    STORAGE_UNAVAILABLE("storage unavailable", "free up or replace the storage; results cannot be saved"),
    STORAGE_DAMAGED("results store damaged", "export the results, then move the data folder aside");

    private final String label;
    private final String action;

    Fault(String label, String action) {
        this.label = label;
        this.action = action;
    }

    public String label() {
        return label;
    }

    public String action() {
        return action;
    }
}
