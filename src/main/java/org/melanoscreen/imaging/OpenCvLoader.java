package org.melanoscreen.imaging;

import nu.pattern.OpenCV;

/** Loads OpenCV's native library once per JVM (extracted by openpnp to {@code java.io.tmpdir}). */
public final class OpenCvLoader {
    private static boolean loaded;

    private OpenCvLoader() {
    }

    public static synchronized void load() {
        if (!loaded) {
            OpenCV.loadLocally();
            loaded = true;
        }
    }
}
