package org.melanoscreen.capture;

import java.util.Locale;

/** What a camera actually delivers after negotiation, which may differ from what was asked. */
public record CameraMode(int width, int height, double fps, String fourcc) {
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%dx%d %s %.1f fps", width, height, fourcc, fps);
    }
}
