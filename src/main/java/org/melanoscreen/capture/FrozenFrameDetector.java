package org.melanoscreen.capture;

import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

import java.util.Arrays;

/**
 * Counts consecutive identical frames. A live sensor never delivers two identical frames, but a stalled driver or
 * a hung USB bridge repeats its last buffer forever. The signature samples single pixels (nearest neighbour, not
 * an average, which would smooth away the sensor noise that tells live frames apart). Flat frames (a capped lens,
 * a dark room) are ignored: they can be legitimately identical.
 */
final class FrozenFrameDetector implements AutoCloseable {
    private static final Size SIGNATURE_SIZE = new Size(64, 48);
    private static final int FLAT_RANGE = 6;

    private final Mat small = new Mat();
    private byte[] previous;
    private byte[] current = new byte[0];
    private int repeats;

    /** The number of frames in a row, including this one, identical to the one before it. */
    int observe(Mat bgr) {
        Imgproc.resize(bgr, small, SIGNATURE_SIZE, 0, 0, Imgproc.INTER_NEAREST);
        int n = (int) (small.total() * small.channels());
        if (current.length != n) {
            current = new byte[n];
        }
        small.get(0, 0, current);
        if (previous != null && !flat(current) && Arrays.equals(previous, current)) {
            repeats++;
        } else {
            repeats = 0;
        }
        byte[] swap = previous == null ? new byte[n] : previous;
        previous = current;
        current = swap;
        return repeats;
    }

    void reset() {
        previous = null;
        repeats = 0;
    }

    private static boolean flat(byte[] signature) {
        int min = 255;
        int max = 0;
        for (byte b : signature) {
            int v = b & 0xFF;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return max - min <= FLAT_RANGE;
    }

    @Override
    public void close() {
        small.release();
    }
}
