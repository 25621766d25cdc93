package org.melanoscreen.panel;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.i2c.LinuxFsI2CProvider;
import com.pi4j.provider.Provider;

import java.util.ArrayList;
import java.util.List;

/**
 * The Pi4J context, built from exactly the providers the settings name and nothing found on the class path
 * (Pi4J's auto context would pick whatever plugin it finds, the mock one included). Pi4J's shutdown hook is
 * off: {@link Hardware#close()} switches lamps and display off first, then shuts the context down.
 */
final class Pi4jContexts {
    private Pi4jContexts() {
    }

    static Context build(HardwareSettings s) {
        List<Provider<?, ?, ?>> providers = new ArrayList<>();
        if (s.lights() == HardwareSettings.LightsKind.GPIO || s.buzzer() == HardwareSettings.BuzzerKind.GPIO) {
            providers.add(GpioDDigitalOutputProvider.newInstance());
        }
        if (s.button() == HardwareSettings.ButtonKind.GPIO) {
            providers.add(GpioDDigitalInputProvider.newInstance());
        }
        if (s.display() == HardwareSettings.DisplayKind.SSD1306) {
            providers.add(LinuxFsI2CProvider.newInstance());
        }
        return Pi4J.newContextBuilder()
                .noAutoDetect()
                .add(providers.toArray(Provider[]::new))
                .disableShutdownHook()
                .build();
    }
}
