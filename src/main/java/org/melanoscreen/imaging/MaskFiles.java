package org.melanoscreen.imaging;

import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

import java.nio.file.Files;
import java.nio.file.Path;

/** Reads lesion masks (PNG, lesion >= 128: ground truth, parity fixtures) at their own resolution or onto the
 * segmenter's grid. */
public final class MaskFiles {
    private MaskFiles() {
    }

    /**
     * The mask resampled to {@code width x height} by nearest neighbour with half-pixel centres:
     * target (x, y) takes source {@code (floor((x+0.5)*W/width), floor((y+0.5)*H/height))}.
     */
    public static BinaryMask read(Path file, int width, int height) throws java.io.IOException {
        BinaryMask full = read(file);
        int w = full.width();
        int h = full.height();
        byte[] source = full.pixels();
        byte[] out = new byte[width * height];
        for (int y = 0; y < height; y++) {
            int sy = Math.min(h - 1, (int) Math.floor((y + 0.5) * h / height));
            for (int x = 0; x < width; x++) {
                int sx = Math.min(w - 1, (int) Math.floor((x + 0.5) * w / width));
                out[y * width + x] = source[sy * w + sx];
            }
        }
        return new BinaryMask(width, height, out);
    }

    /** The mask at its own resolution, 1 where the PNG is >= 128. */
    public static BinaryMask read(Path file) throws java.io.IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.io.IOException(file + ": mask missing");
        }
        try (MatScope scope = new MatScope()) {
            Mat m = scope.add(Imgcodecs.imread(file.toString(), Imgcodecs.IMREAD_GRAYSCALE));
            if (m.empty()) {
                throw new java.io.IOException(file + ": mask cannot be decoded");
            }
            byte[] pixels = new byte[m.cols() * m.rows()];
            m.get(0, 0, pixels);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (pixels[i] & 0xFF) >= 128 ? (byte) 1 : 0;
            }
            return new BinaryMask(m.cols(), m.rows(), pixels);
        }
    }
}
