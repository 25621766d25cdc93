package org.melanoscreen.workflow;

import java.time.Instant;

/**
 * A state the appliance entered, with the fault when it is FAULT, a one-line detail, and for a FAULT what to
 * do about its actual cause (a camera's cable, a replay folder's images, a simulated fault).
 */
public record StateChange(Instant time, ApplianceState state, Fault fault, String detail, String action) {

    /** A change whose FAULT, if any, has its usual remedy. */
    public StateChange(Instant time, ApplianceState state, Fault fault, String detail) {
        this(time, state, fault, detail, fault == null ? null : fault.action());
    }
}
