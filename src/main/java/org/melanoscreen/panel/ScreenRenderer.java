package org.melanoscreen.panel;

import org.melanoscreen.analysis.ReferralFigures;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws screens with headless Java2D and the built-in {@link BitmapFont} into a 1-bit 128x64 or 128x32 frame.
 * The word that matters (READY, LOW, REFER, RETAKE, FAULT) is three times the small font on 128x64 (21 pixels,
 * about 4 mm on a 0.96" panel, readable at arm's length) and twice it on 128x32.
 */
public final class ScreenRenderer {
    private static final int LINE = 8;
    private static final int CHARS = (MonoFrame.WIDTH + 1) / BitmapFont.ADVANCE;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private final int height;

    /** @param height 64 or 32 */
    public ScreenRenderer(int height) {
        if (height != 64 && height != 32) {
            throw new IllegalArgumentException("display height must be 32 or 64, not " + height);
        }
        this.height = height;
    }

    public int height() {
        return height;
    }

    public MonoFrame render(DisplayScreen screen) {
        BufferedImage image = new BufferedImage(MonoFrame.WIDTH, height, BufferedImage.TYPE_BYTE_BINARY);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            boolean tall = height == 64;
            if (screen instanceof DisplayScreen.Ready r) {
                ready(g, r, tall);
            } else if (screen instanceof DisplayScreen.Busy b) {
                busy(g, b, tall);
            } else if (screen instanceof DisplayScreen.Result r) {
                result(g, r, tall);
            } else if (screen instanceof DisplayScreen.Retake r) {
                retake(g, r, tall);
            } else if (screen instanceof DisplayScreen.Fault f) {
                fault(g, f, tall);
            } else if (screen instanceof DisplayScreen.TestPattern) {
                testPattern(g, height);
            }
        } finally {
            g.dispose();
        }
        return MonoFrame.of(image);
    }

    private static void testPattern(Graphics2D g, int height) {
        g.drawRect(0, 0, MonoFrame.WIDTH - 1, height - 1);
        for (int y = 2; y < height - 2; y += 2) {
            for (int x = 2 + y % 4; x < MonoFrame.WIDTH - 2; x += 4) {
                g.fillRect(x, y, 1, 1);
            }
        }
    }

    private void ready(Graphics2D g, DisplayScreen.Ready r, boolean tall) {
        int y = headline(g, "READY", tall);
        if (tall) {
            text(g, "press to capture", y + 4);
            text(g, r.deviceId(), 34);
            paragraph(g, wrap(r.models(), CHARS), 46);
        } else {
            int left = besideHeadline("READY");
            BitmapFont.draw(g, fit(r.deviceId(), 1, (MonoFrame.WIDTH - left + 1) / BitmapFont.ADVANCE), left, 4, 1);
            paragraph(g, wrap(r.models(), CHARS), y + 2);
        }
    }

    private static void busy(Graphics2D g, DisplayScreen.Busy b, boolean tall) {
        BitmapFont.draw(g, fit(b.title().toUpperCase(Locale.ROOT), 2), 0, 0, 2);
        double done = (double) b.step() / b.steps();
        if (tall) {
            text(g, b.detail(), 20);
            bar(g, 34, 10, done);
            text(g, "step " + b.step() + " of " + b.steps(), 52);
        } else {
            bar(g, 17, 6, done);
            text(g, b.detail(), 25);
        }
    }

    private static void result(Graphics2D g, DisplayScreen.Result r, boolean tall) {
        int y = headline(g, r.risk().name(), tall);
        ReferralFigures figures = r.probability() == null ? null : r.figures();
        if (tall) {
            text(g, figures == null ? "no probability" : figures.compact(), y + 4);
            if (figures != null) {
                bar(g, 37, 8, r.probability());
                threshold(g, 37, 8, r.threshold(), true);
            }
            if (r.diameter() != null) {
                text(g, "diameter " + r.diameter(), 52);
            }
        } else {
            String right = figures == null ? "p=?" : figures.probability();
            BitmapFont.draw(g, right, MonoFrame.WIDTH - BitmapFont.width(right, 1), 4, 1);
            if (figures != null) {
                bar(g, 17, 6, r.probability());
                threshold(g, 17, 6, r.threshold(), false);
            }
            if (r.diameter() != null) {
                text(g, "diameter " + r.diameter(), 25);
            }
        }
    }

    private void retake(Graphics2D g, DisplayScreen.Retake r, boolean tall) {
        int y = headline(g, "RETAKE", tall) + (tall ? 4 : 3);
        List<String> lines = new ArrayList<>();
        for (String reason : r.reasons()) {
            List<String> wrapped = wrap(reason, CHARS - 1);
            lines.add(wrapped.get(0));
            wrapped.subList(1, wrapped.size()).forEach(l -> lines.add(" " + l));
        }
        paragraph(g, lines, y);
    }

    private void fault(Graphics2D g, DisplayScreen.Fault f, boolean tall) {
        int y = headline(g, "FAULT", tall);
        List<String> lines = faultLines(f, tall);
        if (tall) {
            paragraph(g, lines, y + 1);
        } else {
            int left = besideHeadline("FAULT");
            for (int i = 0; i < Math.min(2, lines.size()); i++) {
                BitmapFont.draw(g, lines.get(i), left, i * LINE, 1);
            }
            paragraph(g, lines.subList(Math.min(2, lines.size()), lines.size()), y + 2);
        }
    }

    /**
     * The fault's label, then what to do, word-wrapped into the room there is: on 128x64 full lines below the
     * headline; on 128x32 first the two short lines beside it, then full lines below.
     */
    static List<String> faultLines(DisplayScreen.Fault f, boolean tall) {
        int beside = (MonoFrame.WIDTH - besideHeadline("FAULT") + 1) / BitmapFont.ADVANCE;
        List<String> lines = new ArrayList<>(wrap(f.label(), tall ? CHARS : beside));
        int besideLeft = tall ? 0 : Math.max(0, 2 - lines.size());
        List<String> action = wrap(f.action(), beside, besideLeft, CHARS);
        lines.addAll(action);
        return lines;
    }

    /** Where text beside a small-display headline starts: two character cells right of it. */
    private static int besideHeadline(String word) {
        return BitmapFont.width(word, 2) + 2 * BitmapFont.ADVANCE;
    }

    /** The big word; returns the first free row below it. */
    private static int headline(Graphics2D g, String word, boolean tall) {
        int scale = tall ? 3 : 2;
        BitmapFont.draw(g, fit(word, scale), 0, 0, scale);
        return BitmapFont.GLYPH_HEIGHT * scale;
    }

    private static void text(Graphics2D g, String s, int y) {
        BitmapFont.draw(g, fit(s, 1), 0, y, 1);
    }

    /** Lines from row {@code y} down to the bottom; when they do not all fit, the last one shown ends in "..". */
    private void paragraph(Graphics2D g, List<String> lines, int y) {
        int room = (height - y + 1) / LINE;
        for (int i = 0; i < Math.min(room, lines.size()); i++) {
            String line = lines.get(i);
            if (i == room - 1 && lines.size() > room) {
                line = (line.length() > CHARS - 2 ? line.substring(0, CHARS - 2) : line) + "..";
            }
            text(g, line, y + i * LINE);
        }
    }

    /** An outlined bar across the screen, filled to {@code fraction}. */
    private static void bar(Graphics2D g, int y, int h, double fraction) {
        g.drawRect(0, y, MonoFrame.WIDTH - 1, h - 1);
        int inner = MonoFrame.WIDTH - 4;
        int fill = (int) Math.round(Math.max(0, Math.min(1, fraction)) * inner);
        if (fill > 0) {
            g.fillRect(2, y + 2, fill, h - 4);
        }
    }

    /** A tick above (and below) a bar where the referral threshold lies, visible whether filled there or not. */
    private static void threshold(Graphics2D g, int y, int h, double threshold, boolean below) {
        int x = 2 + (int) Math.round(Math.max(0, Math.min(1, threshold)) * (MonoFrame.WIDTH - 4));
        x = Math.min(x, MonoFrame.WIDTH - 2);
        g.fillRect(x - 1, y - 2, 3, 2);
        if (below) {
            g.fillRect(x - 1, y + h, 3, 2);
        }
    }

    private static String fit(String s, int scale) {
        return fit(s, scale, (MonoFrame.WIDTH / scale + 1) / BitmapFont.ADVANCE);
    }

    private static String fit(String s, int scale, int max) {
        return s.length() <= max ? s : s.substring(0, max - 2) + "..";
    }

    /** Greedy word wrap to {@code chars} a line; a word longer than a line is cut. */
    static List<String> wrap(String s, int chars) {
        return wrap(s, chars, 0, chars);
    }

    /** Greedy word wrap: the first {@code narrowLines} lines hold {@code narrow} characters, the rest {@code chars}. */
    static List<String> wrap(String s, int narrow, int narrowLines, int chars) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : s.trim().split("\\s+")) {
            int room = lines.size() < narrowLines ? narrow : chars;
            if (!line.isEmpty() && line.length() + 1 + word.length() > room) {
                lines.add(line.toString());
                line.setLength(0);
                room = lines.size() < narrowLines ? narrow : chars;
            }
            while (word.length() > room) {
                lines.add(word.substring(0, room));
                word = word.substring(room);
                room = lines.size() < narrowLines ? narrow : chars;
            }
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(word);
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
