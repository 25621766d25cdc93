package org.melanoscreen.eval;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Draws a ROC curve as a PNG with headless Java2D: axes numbered every 0.2, AUC with CI, the referral point. */
public final class RocPlot {
    static final int SIZE = 520;
    static final int MARGIN = 60;
    private static final int TICK_LABEL_GAP = 16;

    private RocPlot() {
    }

    public static void write(Path file, double[][] roc, double auc, double[] ci, double sensitivity,
                             double specificity, String title) throws IOException {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, SIZE, SIZE);
            int plot = SIZE - 2 * MARGIN;
            g.setColor(new Color(230, 230, 230));
            for (int i = 0; i <= 10; i++) {
                int p = MARGIN + i * plot / 10;
                g.drawLine(MARGIN, p, MARGIN + plot, p);
                g.drawLine(p, MARGIN, p, MARGIN + plot);
            }
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{5f}, 0f));
            g.drawLine(MARGIN, MARGIN + plot, MARGIN + plot, MARGIN);
            g.setStroke(new BasicStroke(2.5f));
            g.setColor(new Color(200, 40, 40));
            Path2D curve = new Path2D.Double();
            for (int i = 0; i < roc[0].length; i++) {
                double x = MARGIN + roc[0][i] * plot;
                double y = MARGIN + plot - roc[1][i] * plot;
                if (i == 0) {
                    curve.moveTo(x, y);
                } else {
                    curve.lineTo(x, y);
                }
            }
            g.draw(curve);
            if (Double.isFinite(sensitivity) && Double.isFinite(specificity)) {
                int x = (int) Math.round(MARGIN + (1 - specificity) * plot);
                int y = (int) Math.round(MARGIN + plot - sensitivity * plot);
                g.setColor(new Color(30, 90, 200));
                g.fillOval(x - 5, y - 5, 10, 10);
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(MARGIN, MARGIN, plot, plot);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int i = 0; i <= 10; i += 2) {
                String tick = String.format(Locale.ROOT, "%.1f", i / 10.0);
                int width = g.getFontMetrics().stringWidth(tick);
                int p = i * plot / 10;
                g.drawLine(MARGIN + p, MARGIN + plot, MARGIN + p, MARGIN + plot + 4);
                g.drawString(tick, MARGIN + p - width / 2, MARGIN + plot + TICK_LABEL_GAP);
                g.drawLine(MARGIN - 4, MARGIN + plot - p, MARGIN, MARGIN + plot - p);
                g.drawString(tick, MARGIN - 6 - width, MARGIN + plot - p + 4);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.drawString("false positive rate (1 - specificity)", MARGIN + plot / 2 - 110, SIZE - 20);
            g.rotate(-Math.PI / 2);
            g.drawString("true positive rate (sensitivity)", -(MARGIN + plot / 2 + 95), 25);
            g.rotate(Math.PI / 2);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, MARGIN, 25);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.drawString(String.format(Locale.ROOT, "AUC %.3f (95%% CI %.3f-%.3f)", auc, ci[0], ci[1]),
                    MARGIN + plot - 230, MARGIN + plot - 30);
            g.setColor(new Color(30, 90, 200));
            g.drawString(String.format(Locale.ROOT, "referral point: sens %.2f, spec %.2f", sensitivity, specificity),
                    MARGIN + plot - 230, MARGIN + plot - 12);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }
}
