package org.melanoscreen.panel;

import org.melanoscreen.analysis.LesionMeasurements;
import org.melanoscreen.analysis.Risk;
import org.melanoscreen.analysis.ScreeningResult;
import org.melanoscreen.workflow.ApplianceState;
import org.melanoscreen.workflow.CaptureOutcome;
import org.melanoscreen.workflow.Fault;
import org.melanoscreen.workflow.StateChange;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Appliance events as the appliance sends them, and a buzzer that writes down its beeps. */
final class Fixtures {
    private Fixtures() {
    }

    static final class RecordingBuzzer implements Buzzer {
        final List<Beep> beeps = new java.util.ArrayList<>();
        boolean broken;

        @Override
        public void beep(Beep beep) {
            if (broken) {
                throw new java.util.concurrent.RejectedExecutionException("buzzer closed");
            }
            beeps.add(beep);
        }

        @Override
        public void close() {
        }
    }

    static StateChange state(ApplianceState state) {
        return new StateChange(Instant.EPOCH, state, state == ApplianceState.FAULT ? Fault.NO_CAMERA : null,
                state.name().toLowerCase() + " detail");
    }

    static CaptureOutcome outcome(Risk risk, Float probability, Double diameterMm, List<String> reasons) {
        LesionMeasurements m = diameterMm == null ? null : new LesionMeasurements(1000, 20.0, 180, diameterMm,
                new double[]{0.1, 0.1}, 0, 0.8, 0, List.of(), 2.0);
        ScreeningResult r = new ScreeningResult("test", risk, reasons, probability, 0.30, Map.of(), m, null,
                640, 480, null, null, Double.NaN, Map.of());
        return new CaptureOutcome(r, 1L, null, null, 5, 5, List.of(0.1f, 0.1f, 0.1f), 420);
    }
}
