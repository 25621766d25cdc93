package org.melanoscreen.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code run --demo} changes: the simulated dermatoscope, console lamps, PNG display frames in the data folder,
 * no button, and no out-of-distribution check (the simulated lesions are not dermoscopic images). Each applies
 * only where the command line did not set the key itself.
 */
final class DemoDefaults {
    private DemoDefaults() {
    }

    /** {@code overrides} with the demo's keys added where they are not given. */
    static Map<String, String> withDemo(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>(overrides);
        settings.putIfAbsent("source", "simulated");
        settings.putIfAbsent("device.id", "melanoscreen-demo");
        settings.putIfAbsent("hardware.lights", "console");
        settings.putIfAbsent("hardware.button", "none");
        settings.putIfAbsent("hardware.display", "png");
        settings.putIfAbsent("lesion.ood_check", "false");
        return settings;
    }

    /** {@code settings} with the display's PNG frames in {@code dataFolder}, unless a folder is given. */
    static Map<String, String> withFramesIn(Map<String, String> settings, Path dataFolder) {
        Map<String, String> withFrames = new LinkedHashMap<>(settings);
        withFrames.putIfAbsent("hardware.png_dir", dataFolder.resolve("display-frames").toString());
        return withFrames;
    }
}
