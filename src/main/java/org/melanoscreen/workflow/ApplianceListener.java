package org.melanoscreen.workflow;

/**
 * Told of every state change and result, on the appliance's thread: implementations (LEDs, display, console)
 * must return quickly and must not throw; a failing listener is logged and does not stop screening.
 */
public interface ApplianceListener {
    void stateChanged(StateChange change);

    void resultReady(CaptureOutcome outcome);
}
