package org.melanoscreen.workflow;

import java.time.Instant;

/** A state the appliance entered, with the fault when it is FAULT and a one-line detail. */
public record StateChange(Instant time, ApplianceState state, Fault fault, String detail) {
}
