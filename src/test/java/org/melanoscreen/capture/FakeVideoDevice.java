package org.melanoscreen.capture;

import org.opencv.core.CvType;
import org.opencv.core.Mat;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.SplittableRandom;

/**
 * A scripted camera. Every good read delivers a new noisy 64x48 BGR frame whose first pixel holds its sequence
 * number; it can be unplugged and plugged back, fail single reads, repeat its last frame, or deliver black frames.
 */
final class FakeVideoDevice implements VideoDevice {
    enum Read { OK, FAIL, REPEAT, BLACK }

    static final int WIDTH = 64;
    static final int HEIGHT = 48;

    final Deque<Read> script = new ArrayDeque<>();
    boolean plugged = true;
    boolean open;
    int opens;
    int reads;
    int sequence;
    private final byte[] pixels = new byte[WIDTH * HEIGHT * 3];

    @Override
    public CameraMode open(CameraSettings settings) throws CaptureException {
        opens++;
        if (!plugged) {
            throw new CaptureException("camera " + settings.device() + ": no such device (fake, unplugged)");
        }
        open = true;
        return new CameraMode(WIDTH, HEIGHT, 30, "MJPG");
    }

    @Override
    public boolean read(Mat bgr) {
        if (!open || !plugged) {
            return false;
        }
        Read next = script.isEmpty() ? Read.OK : script.poll();
        switch (next) {
            case FAIL -> {
                return false;
            }
            case OK -> {
                sequence++;
                new SplittableRandom(sequence).nextBytes(pixels);
                pixels[0] = (byte) sequence;
                pixels[1] = (byte) sequence;
                pixels[2] = (byte) sequence;
                pixels[3] = 10;
                pixels[4] = 20;
                pixels[5] = 30;
            }
            case BLACK -> Arrays.fill(pixels, (byte) 0);
            case REPEAT -> {
            }
        }
        reads++;
        bgr.create(HEIGHT, WIDTH, CvType.CV_8UC3);
        bgr.put(0, 0, pixels);
        return true;
    }

    @Override
    public void release() {
        open = false;
    }
}
