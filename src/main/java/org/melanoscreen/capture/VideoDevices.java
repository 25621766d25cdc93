package org.melanoscreen.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Lists video devices from sysfs ({@code /sys/class/video4linux}) without opening them. */
public final class VideoDevices {
    public static final Path SYSFS = Path.of("/sys/class/video4linux");
    public static final Path DEV = Path.of("/dev");

    private VideoDevices() {
    }

    /** The devices in {@code sysfs} in number order (video2 before video10); empty when there is none. */
    public static List<VideoDeviceInfo> list(Path sysfs, Path dev) throws IOException {
        if (!Files.isDirectory(sysfs)) {
            return List.of();
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(sysfs)) {
            entries = s.filter(p -> p.getFileName().toString().startsWith("video"))
                    .sorted(Comparator.comparingInt(VideoDevices::number)).toList();
        }
        List<Path> links = links(dev);
        List<VideoDeviceInfo> out = new ArrayList<>();
        for (Path entry : entries) {
            Path node = dev.resolve(entry.getFileName().toString());
            List<String> names = links.stream()
                    .filter(link -> target(link).equals(node.normalize()))
                    .map(Path::toString).toList();
            String index = read(entry.resolve("index"), "-1");
            out.add(new VideoDeviceInfo(node.toString(), read(entry.resolve("name"), "(no name)"),
                    read(entry.resolve("dev"), "?"), index.matches("\\d+") ? Integer.parseInt(index) : -1, names));
        }
        return out;
    }

    private static int number(Path entry) {
        String digits = entry.getFileName().toString().substring("video".length());
        return digits.matches("\\d{1,9}") ? Integer.parseInt(digits) : Integer.MAX_VALUE;
    }

    private static List<Path> links(Path dev) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String folder : List.of("v4l/by-id", "v4l/by-path")) {
            Path dir = dev.resolve(folder);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(Files::isSymbolicLink).sorted().forEach(out::add);
                }
            }
        }
        return out;
    }

    private static Path target(Path link) {
        try {
            return link.getParent().resolve(Files.readSymbolicLink(link)).normalize();
        } catch (IOException e) {
            return link;
        }
    }

    private static String read(Path file, String fallback) {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? fallback : text;
        } catch (IOException e) {
            return fallback;
        }
    }
}
