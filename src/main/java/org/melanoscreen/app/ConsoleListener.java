package org.melanoscreen.app;

import org.melanoscreen.analysis.LesionMeasurements;
import org.melanoscreen.analysis.ScreeningResult;
import org.melanoscreen.workflow.ApplianceListener;
import org.melanoscreen.workflow.ApplianceState;
import org.melanoscreen.workflow.CaptureOutcome;
import org.melanoscreen.workflow.StateChange;

import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Prints state changes and results as lines (RESULT as the result itself), for the demo and headless use. */
final class ConsoleListener implements ApplianceListener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private final PrintStream out;

    ConsoleListener(PrintStream out) {
        this.out = out;
    }

    @Override
    public void stateChanged(StateChange c) {
        if (c.state() == ApplianceState.RESULT) {
            return;
        }
        String what = c.fault() == null ? c.detail()
                : c.fault().label() + ": " + c.detail() + " -> " + c.action();
        out.printf(Locale.ROOT, "%s  %-10s %s%n", TIME.format(c.time()), c.state(), what);
    }

    @Override
    public void resultReady(CaptureOutcome o) {
        ScreeningResult r = o.result();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s  RESULT     %s", TIME.format(
                java.time.Instant.now()), r.risk()));
        if (r.melanomaProbability() != null) {
            line.append(String.format(Locale.ROOT, "  melanoma probability %.3f (refer at >= %.3f)",
                    r.melanomaProbability(), r.referralThreshold()));
        }
        LesionMeasurements m = r.measurements();
        if (m != null) {
            line.append(m.diameterMm() != null
                    ? String.format(Locale.ROOT, ", diameter %.1f mm", m.diameterMm())
                    : String.format(Locale.ROOT, ", diameter %.0f px", m.diameterPx()));
            line.append(String.format(Locale.ROOT, ", TDS~%.1f (approximate)", m.tdsApproximate()));
        }
        if (!r.reasons().isEmpty()) {
            line.append(" | ").append(String.join("; ", r.reasons()));
        }
        line.append(String.format(Locale.ROOT, " | frames %d taken, %d passed, %d screened | %.0f ms | %s",
                o.framesTaken(), o.framesPassed(), o.framesScreened(), o.triggerToResultMs(),
                "stored #" + o.storedId()));
        out.println(line);
    }
}
