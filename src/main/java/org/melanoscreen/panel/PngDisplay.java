package org.melanoscreen.panel;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The display as PNG files, so a person can see what the OLED would show: every frame as
 * {@code NNNNNN-name.png}, and the latest also as {@code current.png} (replaced atomically), 4x enlarged.
 */
public final class PngDisplay implements StatusDisplay {
    static final int SCALE = 4;

    private final Path folder;
    private final ScreenRenderer renderer;
    private int frames;

    public PngDisplay(Path folder, ScreenRenderer renderer) {
        this.folder = folder;
        this.renderer = renderer;
    }

    @Override
    public synchronized void show(DisplayScreen screen) {
        MonoFrame frame = renderer.render(screen);
        try {
            Files.createDirectories(folder);
            frames++;
            Path file = folder.resolve(String.format(Locale.ROOT, "%06d-%s.png", frames, screen.name()));
            if (!ImageIO.write(frame.toImage(SCALE), "png", file.toFile())) {
                throw new IOException("no PNG writer");
            }
            Path tmp = folder.resolve("current.png.tmp");
            Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, folder.resolve("current.png"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": display frame not written (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() {
        // nothing held open
    }
}
