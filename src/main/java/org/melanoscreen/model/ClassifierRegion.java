package org.melanoscreen.model;

import org.melanoscreen.imaging.BinaryMask;

/** Where in the frame the classifier looks, from the segmenter's mask ({@code models/CONTRACT.md}). */
public final class ClassifierRegion {
    private ClassifierRegion() {
    }

    /**
     * The crop {x0, y0, x1, y1} in frame coordinates for a frame of {@code width x height}; the whole frame for
     * region type full or an empty mask.
     */
    public static int[] rect(Manifest.Region region, BinaryMask mask, int width, int height) {
        int[] bbox = mask.bbox();
        if (region.type() == Manifest.RegionType.FULL || bbox == null) {
            return new int[]{0, 0, width, height};
        }
        double sx = (double) width / mask.width();
        double sy = (double) height / mask.height();
        double fx0 = bbox[0] * sx;
        double fx1 = bbox[2] * sx;
        double fy0 = bbox[1] * sy;
        double fy1 = bbox[3] * sy;
        double cx = (fx0 + fx1) / 2;
        double cy = (fy0 + fy1) / 2;
        double bw = (fx1 - fx0) * (1 + 2 * region.margin());
        double bh = (fy1 - fy0) * (1 + 2 * region.margin());
        if (region.square()) {
            bw = bh = Math.max(bw, bh);
        }
        int x0 = (int) Math.max(0, Math.floor(cx - bw / 2));
        int x1 = (int) Math.min(width, Math.ceil(cx + bw / 2));
        int y0 = (int) Math.max(0, Math.floor(cy - bh / 2));
        int y1 = (int) Math.min(height, Math.ceil(cy + bh / 2));
        return new int[]{x0, y0, x1, y1};
    }
}
