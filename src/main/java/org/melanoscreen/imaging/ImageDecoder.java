package org.melanoscreen.imaging;

import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import java.nio.file.Path;

/**
 * Decodes dermoscopic images (JPEG, PNG) into 8-bit RGB {@link Frame}s, honouring EXIF orientation, and
 * refuses anything the screening models were not made for: other formats, truncated or corrupt data (also
 * where a decoder would only warn and fill the rest of the frame with grey), grayscale, 16-bit, alpha channels and images too large to decode safely.
 */
public final class ImageDecoder {
    /** The default limit: 8000 x 6000, far above any dermatoscope, far below what would exhaust memory. */
    public static final long DEFAULT_MAX_PIXELS = 48_000_000L;
    private static final int MIN_SIDE = 32;
    private static final long MAX_FILE_BYTES = 256L * 1024 * 1024;

    private final long maxPixels;
    /** The system's libjpeg-turbo for JPEGs, or null to decode them with OpenCV. */
    private final TurboJpeg turboJpeg;

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    public ImageDecoder(long maxPixels) {
        this(maxPixels, TurboJpeg.system().orElse(null));
    }

    ImageDecoder(long maxPixels, TurboJpeg turboJpeg) {
        OpenCvLoader.load();
        this.maxPixels = maxPixels;
        this.turboJpeg = turboJpeg;
    }

    /** Reads (a regular file of at most 256 MB, see {@link ImageFile}) and decodes {@code file}. */
    public Frame decode(Path file) throws ImageException {
        return decode(ImageFile.read(file, MAX_FILE_BYTES), file.toString());
    }

    public Frame decode(byte[] bytes, String name) throws ImageException {
        if (bytes.length == 0) {
            throw new ImageException(name + ": empty file (0 bytes)");
        }
        ImageHeader header = ImageHeader.parse(bytes, name);
        check(header, name);
        if (turboJpeg != null && header.format() == ImageHeader.Format.JPEG) {
            return new Frame(orient(turboJpeg.decodeRgb(bytes, header.width(), header.height(), name),
                    header.exifOrientation()), name);
        }
        byte[] checked = bytes;
        if (header.format() == ImageHeader.Format.JPEG) {
            JpegIntegrity.check(bytes, name);
        } else {
            checked = PngIntegrity.criticalChunks(bytes, name);
        }
        Mat bgr;
        try (MatScope scope = new MatScope()) {
            MatOfByte encoded = scope.add(new MatOfByte(checked));
            bgr = Imgcodecs.imdecode(encoded, Imgcodecs.IMREAD_COLOR | Imgcodecs.IMREAD_IGNORE_ORIENTATION);
        }
        if (bgr.empty() || bgr.cols() != header.width() || bgr.rows() != header.height()) {
            bgr.release();
            throw new ImageException(name + ": corrupt " + header.format() + " data (cannot be decoded)");
        }
        Mat rgb = new Mat();
        try (MatScope scope = new MatScope()) {
            scope.add(bgr);
            Imgproc.cvtColor(bgr, rgb, Imgproc.COLOR_BGR2RGB);
        }
        return new Frame(orient(rgb, header.exifOrientation()), name);
    }

    private void check(ImageHeader h, String name) throws ImageException {
        if (h.width() <= 0 || h.height() <= 0) {
            throw new ImageException(name + ": corrupt " + h.format() + " (size " + h.width() + "x" + h.height() + ")");
        }
        if ((long) h.width() * h.height() > maxPixels) {
            throw new ImageException(name + ": image " + h.width() + "x" + h.height() + " is too large (limit "
                    + maxPixels / 1_000_000 + " megapixels)");
        }
        if (h.width() < MIN_SIDE || h.height() < MIN_SIDE) {
            throw new ImageException(name + ": image " + h.width() + "x" + h.height() + " is too small (at least "
                    + MIN_SIDE + " pixels a side)");
        }
        if (h.channels() < 3) {
            throw new ImageException(name + ": grayscale image; screening needs colour (RGB)");
        }
        if (h.channels() > 3 && h.format() == ImageHeader.Format.JPEG) {
            throw new ImageException(name + ": CMYK JPEG; screening needs RGB");
        }
        if (h.alpha()) {
            throw new ImageException(name + ": image has an alpha channel; save it as RGB without transparency");
        }
        if (h.bitsPerSample() != 8) {
            throw new ImageException(name + ": " + h.bitsPerSample() + "-bit image; screening needs 8-bit RGB");
        }
    }

    /** Returns the image turned upright for EXIF orientation 2..8 (PIL's exif_transpose), releasing the input. */
    private static Mat orient(Mat m, int orientation) {
        if (orientation <= 1) {
            return m;
        }
        Mat out = new Mat();
        switch (orientation) {
            case 2 -> Core.flip(m, out, 1);
            case 3 -> Core.rotate(m, out, Core.ROTATE_180);
            case 4 -> Core.flip(m, out, 0);
            case 5 -> Core.transpose(m, out);
            case 6 -> Core.rotate(m, out, Core.ROTATE_90_CLOCKWISE);
            case 7 -> {
                try (MatScope scope = new MatScope()) {
                    Mat turned = scope.mat();
                    Core.rotate(m, turned, Core.ROTATE_90_CLOCKWISE);
                    Core.flip(turned, out, 0);
                }
            }
            default -> Core.rotate(m, out, Core.ROTATE_90_COUNTERCLOCKWISE);
        }
        m.release();
        return out;
    }
}
