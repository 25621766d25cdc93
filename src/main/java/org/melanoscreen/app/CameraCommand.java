package org.melanoscreen.app;

import org.melanoscreen.capture.CameraSettings;
import org.melanoscreen.capture.CameraSource;
import org.melanoscreen.capture.CaptureException;
import org.melanoscreen.capture.PixelFormat;
import org.melanoscreen.capture.V4l2Formats;
import org.melanoscreen.capture.VideoDeviceInfo;
import org.melanoscreen.capture.VideoDevices;
import org.melanoscreen.imaging.Frame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "camera", mixinStandardHelpOptions = true,
        description = "Find and check the USB dermatoscope.",
        subcommands = {CameraCommand.ListDevices.class, CameraCommand.Probe.class})
final class CameraCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.EXIT_SETUP;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List video devices with their names, udev links and (with v4l2-ctl) supported formats.")
    static final class ListDevices implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--sysfs", hidden = true, defaultValue = "/sys/class/video4linux")
        Path sysfs;

        @Option(names = "--dev", hidden = true, defaultValue = "/dev")
        Path dev;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            List<VideoDeviceInfo> devices = VideoDevices.list(sysfs, dev);
            if (devices.isEmpty()) {
                out.println("no video devices found (nothing in " + sysfs + "); is the dermatoscope plugged in?");
                return 0;
            }
            Optional<Path> tool = V4l2Formats.tool();
            for (VideoDeviceInfo d : devices) {
                out.printf(Locale.ROOT, "%s  %s  (device %s%s)%n", d.node(), d.name(), d.deviceNumber(),
                        d.index() >= 0 ? ", index " + d.index() : "");
                d.links().forEach(link -> out.println("    link: " + link));
                formats(out, tool, d.node());
            }
            return 0;
        }

        private static void formats(PrintWriter out, Optional<Path> tool, String node) {
            if (tool.isEmpty()) {
                out.println("    formats: unknown without v4l2-ctl (install v4l-utils)");
                return;
            }
            try {
                List<String> formats = V4l2Formats.query(tool.get(), node);
                if (formats.isEmpty()) {
                    out.println("    formats: none (not a capture node; UVC cameras also expose a metadata node)");
                }
                formats.forEach(f -> out.println("    " + f));
            } catch (IOException e) {
                out.println("    formats: unknown (" + e.getMessage() + ")");
            }
        }
    }

    @Command(name = "probe", mixinStandardHelpOptions = true,
            description = "Open a camera, grab frames, and report the resolution, format and frame rate it achieves.",
            exitCodeListHeading = "Exit codes:%n", exitCodeList = {"0:frames grabbed", "2:no camera or no frames"})
    static final class Probe implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DEVICE", description = "A device path (/dev/video0, a udev link) or an index (0).")
        String device;

        @Option(names = "--width", defaultValue = "1280", description = "Requested width (default ${DEFAULT-VALUE}).")
        int width;

        @Option(names = "--height", defaultValue = "720", description = "Requested height (default ${DEFAULT-VALUE}).")
        int height;

        @Option(names = "--fps", defaultValue = "30", description = "Requested frame rate (default ${DEFAULT-VALUE}).")
        int fps;

        @Option(names = "--format", defaultValue = "MJPG",
                description = "MJPG, YUYV or ANY (default ${DEFAULT-VALUE}).")
        PixelFormat format;

        @Option(names = "--frames", paramLabel = "N", defaultValue = "60",
                description = "Frames to grab after warm-up (default ${DEFAULT-VALUE}).")
        int frames;

        @Option(names = "--warmup", paramLabel = "N", defaultValue = "10",
                description = "Frames discarded first while exposure settles (default ${DEFAULT-VALUE}).")
        int warmup;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            CameraSettings settings;
            try {
                if (frames < 1) {
                    throw new IllegalArgumentException("--frames must be at least 1");
                }
                settings = CameraSettings.defaults(device).withMode(width, height, fps, format).withWarmup(warmup);
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                return Main.EXIT_SETUP;
            }
            int grabbed = 0;
            try (CameraSource camera = new CameraSource(settings)) {
                long first = 0;
                long last = 0;
                int frameWidth = 0;
                int frameHeight = 0;
                try {
                    for (; grabbed < frames; grabbed++) {
                        try (Frame frame = camera.grab()) {
                            last = System.nanoTime();
                            frameWidth = frame.width();
                            frameHeight = frame.height();
                        }
                        if (grabbed == 0) {
                            first = last;
                            out.println("opened:    " + camera.describe());
                        }
                    }
                } catch (CaptureException e) {
                    err.println("error: " + e.getMessage() + (grabbed > 0 ? " (after " + grabbed + " frames)" : ""));
                    return Main.EXIT_SETUP;
                }
                out.printf(Locale.ROOT, "requested: %dx%d %s %d fps%n", width, height, format, fps);
                camera.mode().ifPresent(m -> out.println("driver:    " + m));
                out.printf(Locale.ROOT, "frames:    %d of %dx%d after %d warm-up frames%n", grabbed, frameWidth,
                        frameHeight, warmup);
                if (grabbed > 1) {
                    out.printf(Locale.ROOT, "measured:  %.1f fps%n", (grabbed - 1) / ((last - first) / 1e9));
                }
            }
            return 0;
        }
    }
}
