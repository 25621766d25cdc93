package org.melanoscreen.workflow;

import org.melanoscreen.capture.CaptureException;

/** What a check of the appliance's equipment found wrong: the FAULT, its detail and what to do about it. */
record Problem(Fault cause, String detail, String action) {
    static Problem of(Fault cause, String detail) {
        return new Problem(cause, detail, cause.action());
    }

    /**
     * No frames (the source's own remedy for this cause goes with the FAULT), or models that failed while
     * screening.
     */
    static Problem of(CaptureException e) {
        return new Problem(Fault.NO_CAMERA, e.getMessage(), e.remedy());
    }

    static Problem of(Exception e) {
        return e instanceof CaptureException c ? of(c) : of(Fault.MODEL_INVALID, e.getMessage());
    }
}
