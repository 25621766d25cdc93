package org.melanoscreen.fleet;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The hottest of the kernel's thermal zones ({@code thermal_zone*}/temp, millidegrees Celsius). */
public final class CpuTemperature {
    private final Path thermal;

    /** @param thermal the folder of the thermal zones, {@code /sys/class/thermal} on the device */
    public CpuTemperature(Path thermal) {
        this.thermal = thermal;
    }

    public static CpuTemperature system() {
        return new CpuTemperature(Path.of("/sys/class/thermal"));
    }

    /** Degrees Celsius, or {@code null} where no zone is readable (a container, a VM, a PC without sensors). */
    public Double celsius() {
        Double hottest = null;
        try (DirectoryStream<Path> zones = Files.newDirectoryStream(thermal, "thermal_zone*")) {
            for (Path zone : zones) {
                try {
                    double c = Long.parseLong(Files.readString(zone.resolve("temp")).trim()) / 1000.0;
                    hottest = hottest == null ? c : Math.max(hottest, c);
                } catch (IOException | NumberFormatException e) {
                    // a zone without a sensor reading (some report EINVAL or ENODATA): the others still count
                }
            }
        } catch (IOException e) {
            return null;
        }
        return hottest;
    }
}
