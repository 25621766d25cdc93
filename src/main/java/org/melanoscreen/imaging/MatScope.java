package org.melanoscreen.imaging;

import org.opencv.core.Mat;

import java.util.ArrayList;
import java.util.List;

/**
 * Releases every OpenCV {@link Mat} registered with it when closed. OpenCV's Java {@code Mat} is not
 * {@code AutoCloseable}; without an explicit release its native buffer lives until the garbage collector
 * finalises it, which on a long-running device looks like a leak.
 */
public final class MatScope implements AutoCloseable {
    private final List<Mat> mats = new ArrayList<>();

    public <M extends Mat> M add(M mat) {
        mats.add(mat);
        return mat;
    }

    public Mat mat() {
        return add(new Mat());
    }

    @Override
    public void close() {
        for (int i = mats.size() - 1; i >= 0; i--) {
            mats.get(i).release();
        }
        mats.clear();
    }
}
