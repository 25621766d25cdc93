package org.melanoscreen.workflow;

/** The appliance's states; see {@link Appliance} for the transitions. */
public enum ApplianceState {
    BOOTING, SELF_TEST, READY, CAPTURING, ANALYSING, RESULT, FAULT
}
