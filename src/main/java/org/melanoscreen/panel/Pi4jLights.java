package org.melanoscreen.panel;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;

import java.util.EnumMap;
import java.util.Map;

/** The lamps on three GPIO outputs (BCM numbers), each LED through its resistor; active-low when wired to 3.3 V. */
public final class Pi4jLights implements Lamps {
    private final Map<Lamp, DigitalOutput> outputs;
    private final DigitalState on;
    private final DigitalState off;

    private Pi4jLights(Map<Lamp, DigitalOutput> outputs, boolean activeLow) {
        this.outputs = outputs;
        this.on = activeLow ? DigitalState.LOW : DigitalState.HIGH;
        this.off = activeLow ? DigitalState.HIGH : DigitalState.LOW;
    }

    /** Opens the outputs, all lamps off; {@code pins} gives the BCM number of each lamp. */
    public static Pi4jLights open(Context pi4j, Map<Lamp, Integer> pins, boolean activeLow) {
        DigitalState off = activeLow ? DigitalState.HIGH : DigitalState.LOW;
        Map<Lamp, DigitalOutput> outputs = new EnumMap<>(Lamp.class);
        for (Lamp lamp : Lamp.values()) {
            int pin = pins.get(lamp);
            outputs.put(lamp, pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
                    .id("led-" + lamp.name().toLowerCase(java.util.Locale.ROOT))
                    .name(lamp + " lamp")
                    .address(pin)
                    .initial(off)
                    .shutdown(off)));
        }
        return new Pi4jLights(outputs, activeLow);
    }

    @Override
    public void set(Lamp lamp, boolean lit) {
        outputs.get(lamp).state(lit ? on : off);
    }

    @Override
    public void close() {
        for (DigitalOutput output : outputs.values()) {
            output.state(off);
        }
    }
}
