package org.melanoscreen.app;

import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.MatScope;
import org.melanoscreen.imaging.SyntheticLesion;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write synthetic lesion images for demos and tests in the data set layout eval reads: "
                + "images/, masks/<id>_segmentation.png and labels.csv (image_id,melanoma; 0 for every image: a "
                + "synthetic lesion has no diagnosis). No patient data needed.")
final class SynthCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder to write into.")
    Path out;

    @Option(names = "--count", paramLabel = "N", defaultValue = "8", description = "Images (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--width", defaultValue = "640", description = "Width (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "480", description = "Height (default ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--hairs", paramLabel = "N", defaultValue = "0", description = "Hairs per image.")
    int hairs;

    @Option(names = "--vignette", description = "Darken the corners like a contact dermatoscope.")
    boolean vignette;

    @Option(names = "--seed", defaultValue = "1", description = "First seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (count < 1 || width < 32 || height < 32) {
            throw new SetupException("--count must be >= 1 and the size at least 32x32", null);
        }
        Files.createDirectories(out.resolve("images"));
        Files.createDirectories(out.resolve("masks"));
        StringBuilder labels = new StringBuilder("image_id,melanoma\n");
        for (int i = 0; i < count; i++) {
            SyntheticLesion.Spec spec = SyntheticLesion.Spec.defaults(width, height, seed + i).withHairs(hairs);
            SyntheticLesion lesion = SyntheticLesion.generate(vignette ? spec.withVignette() : spec);
            String id = String.format(Locale.ROOT, "synthetic_%04d", i);
            try (Frame frame = lesion.toFrame(id); MatScope scope = new MatScope()) {
                Mat bgr = scope.mat();
                Imgproc.cvtColor(frame.rgb(), bgr, Imgproc.COLOR_RGB2BGR);
                write(out.resolve("images").resolve(id + ".png"), bgr);
                Mat mask = scope.add(new Mat(height, width, CvType.CV_8UC1));
                byte[] pixels = lesion.mask().pixels().clone();
                for (int p = 0; p < pixels.length; p++) {
                    pixels[p] = pixels[p] != 0 ? (byte) 255 : 0;
                }
                mask.put(0, 0, pixels);
                write(out.resolve("masks").resolve(id + "_segmentation.png"), mask);
            }
            labels.append(id).append(",0\n");
        }
        Files.writeString(out.resolve("labels.csv"), labels);
        System.err.printf(Locale.ROOT, "%d synthetic images in %s%n", count, out.resolve("images"));
        return 0;
    }

    private static void write(Path file, Mat image) throws IOException {
        if (!Imgcodecs.imwrite(file.toString(), image)) {
            throw new IOException(file + ": cannot be written");
        }
    }
}
