package org.melanoscreen.panel;

import org.melanoscreen.analysis.LesionMeasurements;
import org.melanoscreen.analysis.Risk;
import org.melanoscreen.analysis.ScreeningResult;
import org.melanoscreen.workflow.ApplianceListener;
import org.melanoscreen.workflow.CaptureOutcome;
import org.melanoscreen.workflow.StateChange;

import java.util.Locale;

/**
 * Shows the appliance's state and results on the lamps and the display, with a beep where there is a buzzer. Never throws: a lamp or display that
 * fails is logged once and simply told again on the next event. Give it an {@link AsyncDisplay} for an I2C
 * display, so that the appliance thread does not wait on the bus.
 *
 * <table>
 * <caption>What is shown</caption>
 * <tr><th>appliance</th><th>lamps</th><th>display</th><th>buzzer</th></tr>
 * <tr><td>BOOTING, SELF_TEST</td><td>BUSY</td><td>busy, step 0 or 1 of 2</td><td></td></tr>
 * <tr><td>READY</td><td>READY</td><td>ready: device and models</td><td></td></tr>
 * <tr><td>CAPTURING</td><td>BUSY</td><td>busy, step 1 of 3</td><td>ACKNOWLEDGE</td></tr>
 * <tr><td>ANALYSING</td><td>BUSY</td><td>busy, step 2 of 3</td><td></td></tr>
 * <tr><td>RESULT</td><td>LOW, REFER or RETAKE</td><td>result (RETAKE with reasons: the reasons)</td>
 *     <td>DONE</td></tr>
 * <tr><td>FAULT</td><td>FAULT</td><td>fault and what to do</td><td>FAULT</td></tr>
 * </table>
 */
public final class PanelListener implements ApplianceListener {
    private final IndicatorLights lights;
    private final StatusDisplay display;
    private final Buzzer buzzer;
    private final String deviceId;
    private final String models;
    private final OnceLog lightsLog = new OnceLog("Indicator lights");
    private final OnceLog displayLog = new OnceLog("Status display");
    private final OnceLog buzzerLog = new OnceLog("Buzzer");

    /** @param models what the ready screen says about the models (their ids or versions) */
    public PanelListener(IndicatorLights lights, StatusDisplay display, Buzzer buzzer, String deviceId,
                          String models) {
        this.lights = lights;
        this.display = display;
        this.buzzer = buzzer;
        this.deviceId = deviceId;
        this.models = models;
    }

    @Override
    public void stateChanged(StateChange change) {
        switch (change.state()) {
            case BOOTING -> show(LightPattern.BUSY, new DisplayScreen.Busy("Starting", change.detail(), 0, 2));
            case SELF_TEST -> show(LightPattern.BUSY, new DisplayScreen.Busy("Self-test", change.detail(), 1, 2));
            case READY -> show(LightPattern.READY, new DisplayScreen.Ready(deviceId, models));
            case CAPTURING -> {
                beep(Beep.ACKNOWLEDGE);
                show(LightPattern.BUSY, new DisplayScreen.Busy("Capturing", change.detail(), 1, 3));
            }
            case ANALYSING -> show(LightPattern.BUSY, new DisplayScreen.Busy("Analysing", change.detail(), 2, 3));
            case RESULT -> {
                // the result itself follows in resultReady
            }
            case FAULT -> {
                beep(Beep.FAULT);
                show(LightPattern.FAULT, change.fault() == null
                        ? new DisplayScreen.Fault("fault", change.detail())
                        : new DisplayScreen.Fault(change.fault().label(), change.action()));
            }
        }
    }

    @Override
    public void resultReady(CaptureOutcome outcome) {
        ScreeningResult r = outcome.result();
        LightPattern pattern = switch (r.risk()) {
            case LOW -> LightPattern.LOW;
            case REFER -> LightPattern.REFER;
            case RETAKE -> LightPattern.RETAKE;
        };
        DisplayScreen screen = r.risk() == Risk.RETAKE && !r.reasons().isEmpty()
                ? new DisplayScreen.Retake(r.reasons())
                : new DisplayScreen.Result(r.risk(), r.melanomaProbability(), r.referralThreshold(),
                diameter(r.measurements()));
        show(pattern, screen);
        beep(Beep.DONE);
    }

    private static String diameter(LesionMeasurements m) {
        if (m == null) {
            return null;
        }
        return m.diameterMm() != null ? String.format(Locale.ROOT, "%.1f mm", m.diameterMm())
                : String.format(Locale.ROOT, "%.0f px", m.diameterPx());
    }

    private void show(LightPattern pattern, DisplayScreen screen) {
        try {
            lights.show(pattern);
            lightsLog.worked();
        } catch (RuntimeException e) {
            lightsLog.failed(e);
        }
        try {
            display.show(screen);
            displayLog.worked();
        } catch (RuntimeException e) {
            displayLog.failed(e);
        }
    }

    private void beep(Beep beep) {
        try {
            buzzer.beep(beep);
            buzzerLog.worked();
        } catch (RuntimeException e) {
            buzzerLog.failed(e);
        }
    }

    @Override
    public String toString() {
        return "device lamps and display";
    }
}
