package org.melanoscreen.panel;

import java.util.Locale;

/**
 * What the lamps show. The lamps say what to do; the display says why. READY and LOW look the same on purpose
 * (green: nothing to do, go on): the display tells them apart. Blinking means "wait" (amber) or "act" (red).
 */
public enum LightPattern {
    OFF(Mode.OFF, Mode.OFF, Mode.OFF),
    READY(Mode.ON, Mode.OFF, Mode.OFF),
    BUSY(Mode.OFF, Mode.BLINK, Mode.OFF),
    LOW(Mode.ON, Mode.OFF, Mode.OFF),
    REFER(Mode.OFF, Mode.OFF, Mode.ON),
    RETAKE(Mode.OFF, Mode.ON, Mode.OFF),
    FAULT(Mode.OFF, Mode.OFF, Mode.BLINK);

    /** How one lamp behaves in a pattern. */
    public enum Mode { OFF, ON, BLINK }

    private final Mode[] modes;

    LightPattern(Mode green, Mode amber, Mode red) {
        this.modes = new Mode[]{green, amber, red};
    }

    public Mode mode(Lamp lamp) {
        return modes[lamp.ordinal()];
    }

    /** Whether {@code lamp} is lit in this blink phase ({@code blinkOn}: the first half of a blink period). */
    public boolean lit(Lamp lamp, boolean blinkOn) {
        return switch (mode(lamp)) {
            case OFF -> false;
            case ON -> true;
            case BLINK -> blinkOn;
        };
    }

    /** For people: "READY (green steady)". */
    public String describe() {
        StringBuilder sb = new StringBuilder(name()).append(" (");
        String sep = "";
        for (Lamp lamp : Lamp.values()) {
            if (mode(lamp) != Mode.OFF) {
                sb.append(sep).append(lamp.name().toLowerCase(Locale.ROOT))
                        .append(mode(lamp) == Mode.ON ? " steady" : " blinking");
                sep = ", ";
            }
        }
        return sb.append(sep.isEmpty() ? "all off)" : ")").toString();
    }
}
