package org.melanoscreen.service;

import org.melanoscreen.workflow.ApplianceListener;
import org.melanoscreen.workflow.ApplianceState;
import org.melanoscreen.workflow.CaptureOutcome;
import org.melanoscreen.workflow.StateChange;

/**
 * Reports the appliance's state to systemd: READY=1 once the first self-test has ended, then a STATUS= line
 * per state change. The first self-test ends in READY, or in FAULT when the camera, models or storage are not
 * usable yet; both count as started, because the appliance keeps retrying and shows the fault, and a start-up
 * that waited for READY would be killed by TimeoutStartSec= while the dermatoscope is unplugged.
 */
public final class SystemdStateReporter implements ApplianceListener {
    private final SystemdNotifier notifier;
    private boolean started;

    public SystemdStateReporter(SystemdNotifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public void stateChanged(StateChange change) {
        String status = change.state() + (change.fault() == null ? "" : " (" + change.fault().label() + ")")
                + ": " + change.detail();
        if (!started && (change.state() == ApplianceState.READY || change.state() == ApplianceState.FAULT)) {
            started = true;
            notifier.ready(status);
        } else {
            notifier.status(status);
        }
    }

    @Override
    public void resultReady(CaptureOutcome outcome) {
        // the RESULT state change already carries the risk
    }

    @Override
    public String toString() {
        return "systemd status";
    }
}
