package org.melanoscreen.capture;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The formats, sizes and frame rates a camera offers, from {@code v4l2-ctl --list-formats-ext} (package
 * v4l-utils). OpenCV cannot enumerate them, and asking the kernel directly would need native ioctl calls.
 */
public final class V4l2Formats {
    private static final Pattern FORMAT = Pattern.compile("(?:\\[\\d+]:|Pixel Format\\s*:)\\s*'([^']{1,4})'");
    private static final Pattern SIZE = Pattern.compile("Size:\\s*(?:Discrete\\s+(\\d+x\\d+)|Stepwise\\s+(\\d+x\\d+)"
            + "\\s*-\\s*(\\d+x\\d+))");
    private static final Pattern RATE = Pattern.compile("\\(([\\d.]+)(?:-([\\d.]+))? fps\\)");
    private static final long TIMEOUT_SECONDS = 5;

    private V4l2Formats() {
    }

    /** v4l2-ctl on the PATH, if installed. */
    public static Optional<Path> tool() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "v4l2-ctl");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs the tool on a device; the lines of {@link #parse}, or an IOException saying why not. */
    public static List<String> query(Path tool, String device) throws IOException {
        // Output goes to a file: a pipe that nobody drains could block the tool and look like a hang.
        Path log = Files.createTempFile("v4l2-ctl", ".txt");
        try {
            Process process = new ProcessBuilder(tool.toString(), "--list-formats-ext", "-d", device)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IOException("v4l2-ctl did not answer within " + TIMEOUT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for v4l2-ctl", e);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException("v4l2-ctl failed: " + output.strip().lines().findFirst()
                        .orElse("exit " + process.exitValue()));
            }
            return parse(output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * One line per pixel format, such as {@code MJPG: 1280x720 (30, 15 fps), 640x480 (30 fps)}; empty when the
     * node offers none (the metadata node of a UVC camera).
     */
    public static List<String> parse(String output) {
        Map<String, Map<String, List<String>>> formats = new LinkedHashMap<>();
        Map<String, List<String>> sizes = null;
        List<String> rates = null;
        for (String line : output.split("\\R")) {
            Matcher m;
            if ((m = FORMAT.matcher(line)).find()) {
                sizes = formats.computeIfAbsent(m.group(1).strip(), k -> new LinkedHashMap<>());
                rates = null;
            } else if (sizes != null && (m = SIZE.matcher(line)).find()) {
                String size = m.group(1) != null ? m.group(1) : m.group(2) + "-" + m.group(3);
                rates = sizes.computeIfAbsent(size, k -> new ArrayList<>());
            } else if (rates != null && line.contains("Interval") && (m = RATE.matcher(line)).find()) {
                rates.add(m.group(2) == null ? trim(m.group(1)) : trim(m.group(1)) + "-" + trim(m.group(2)));
            }
        }
        List<String> out = new ArrayList<>();
        formats.forEach((fourcc, bySize) -> {
            List<String> parts = new ArrayList<>();
            bySize.forEach((size, fps) -> parts.add(fps.isEmpty() ? size : size + " (" + String.join(", ", fps)
                    + " fps)"));
            out.add(fourcc + ": " + (parts.isEmpty() ? "no sizes listed" : String.join(", ", parts)));
        });
        return out;
    }

    /** "30.000" as "30", "7.500" as "7.5". */
    private static String trim(String number) {
        return number.contains(".") ? number.replaceAll("0+$", "").replaceAll("\\.$", "") : number;
    }
}
