package org.melanoscreen.imaging;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.tinylog.Logger;

import java.util.Optional;

/**
 * JPEG decoding with the system's libjpeg-turbo (its TurboJPEG API, package libturbojpeg0), called through JNA.
 * The libjpeg-turbo inside the pinned OpenCV build has no SIMD code; the distribution's library has, and decodes
 * the same pixels (accurate integer IDCT and fancy upsampling in both) about twice as fast.
 */
final class TurboJpeg {
    private static final int PIXEL_FORMAT_RGB = 0;
    private static final int FLAG_ACCURATE_DCT = 4096;
    /** Refuses progressive JPEGs with absurd scan counts, a known way to make a decoder spin for minutes. */
    private static final int FLAG_LIMIT_SCANS = 32768;
    /** Makes libjpeg's warnings (damaged or missing scan data, filled with grey) fatal, so they are refused. */
    private static final int FLAG_STOP_ON_WARNING = 8192;
    private static final int ERROR_WARNING = 0;

    /** The few TurboJPEG 2.x functions used here; libjpeg-turbo 3 still exports them. */
    interface Api extends Library {
        Pointer tjInitDecompress();

        int tjDecompressHeader3(Pointer handle, byte[] jpeg, NativeLong size, IntByReference width,
                                IntByReference height, IntByReference subsampling, IntByReference colourspace);

        int tjDecompress2(Pointer handle, byte[] jpeg, NativeLong size, Pointer destination, int width, int pitch,
                          int height, int pixelFormat, int flags);

        String tjGetErrorStr2(Pointer handle);

        int tjGetErrorCode(Pointer handle);

        int tjDestroy(Pointer handle);
    }

    private static final Optional<TurboJpeg> SYSTEM = load();

    private final Api api;

    private TurboJpeg(Api api) {
        this.api = api;
    }

    /** The system's libturbojpeg, or empty (logged once) where it is not installed. */
    static Optional<TurboJpeg> system() {
        return SYSTEM;
    }

    private static Optional<TurboJpeg> load() {
        try {
            TurboJpeg turbo = new TurboJpeg(Native.load("turbojpeg", Api.class));
            Logger.debug("JPEG decoding: the system's libjpeg-turbo");
            return Optional.of(turbo);
        } catch (UnsatisfiedLinkError e) {
            Logger.warn("The TurboJPEG library (libturbojpeg.so.0) is not installed: JPEGs are decoded by OpenCV, "
                    + "more slowly. Install the package libturbojpeg0.");
            Logger.debug("JNA: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Decodes a JPEG whose header said {@code width x height} into a new 8-bit RGB Mat, straight into the Mat's
     * memory. Data the library cannot decode, whose size disagrees with the header, or that it decodes only with
     * a warning (premature end of data, extraneous bytes, a second frame header: the rest of the frame would be
     * grey or garbled) is an ImageException naming the file and libjpeg's message.
     */
    Mat decodeRgb(byte[] jpeg, int width, int height, String name) throws ImageException {
        Pointer handle = api.tjInitDecompress();
        if (handle == null) {
            throw new ImageException(name + ": JPEG decoder could not be created (out of memory?)");
        }
        try {
            NativeLong size = new NativeLong(jpeg.length);
            IntByReference w = new IntByReference();
            IntByReference h = new IntByReference();
            if (api.tjDecompressHeader3(handle, jpeg, size, w, h, new IntByReference(), new IntByReference()) != 0) {
                throw corrupt(handle, name);
            }
            if (w.getValue() != width || h.getValue() != height) {
                throw new ImageException(name + ": corrupt JPEG data (frame header says " + width + "x" + height
                        + ", the decoder " + w.getValue() + "x" + h.getValue() + ")");
            }
            Mat rgb = new Mat(height, width, CvType.CV_8UC3);
            int status = api.tjDecompress2(handle, jpeg, size, new Pointer(rgb.dataAddr()), width, width * 3, height,
                    PIXEL_FORMAT_RGB, FLAG_ACCURATE_DCT | FLAG_LIMIT_SCANS | FLAG_STOP_ON_WARNING);
            if (status != 0) {
                ImageException failure = api.tjGetErrorCode(handle) == ERROR_WARNING
                        ? new ImageException(name + ": corrupt JPEG data, not screened (libjpeg-turbo warning: "
                                + api.tjGetErrorStr2(handle) + ")")
                        : corrupt(handle, name);
                rgb.release();
                throw failure;
            }
            return rgb;
        } finally {
            api.tjDestroy(handle);
        }
    }

    private ImageException corrupt(Pointer handle, String name) {
        return new ImageException(name + ": corrupt JPEG data (" + api.tjGetErrorStr2(handle) + ")");
    }
}
