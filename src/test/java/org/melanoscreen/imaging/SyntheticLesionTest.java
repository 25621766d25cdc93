package org.melanoscreen.imaging;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticLesionTest {

    private static double meanLuma(byte[] rgb, BinaryMask mask, boolean inside) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < mask.pixels().length; i++) {
            if ((mask.pixels()[i] != 0) == inside) {
                sum += 0.299 * (rgb[3 * i] & 0xFF) + 0.587 * (rgb[3 * i + 1] & 0xFF) + 0.114 * (rgb[3 * i + 2] & 0xFF);
                n++;
            }
        }
        return sum / n;
    }

    @Test
    void sameSeedSameImage() {
        SyntheticLesion a = SyntheticLesion.generate(SyntheticLesion.Spec.defaults(128, 96, 7).withHairs(3));
        SyntheticLesion b = SyntheticLesion.generate(SyntheticLesion.Spec.defaults(128, 96, 7).withHairs(3));
        assertArrayEquals(a.rgb(), b.rgb());
        assertArrayEquals(a.mask().pixels(), b.mask().pixels());
        SyntheticLesion c = SyntheticLesion.generate(SyntheticLesion.Spec.defaults(128, 96, 8));
        assertFalse(Arrays.equals(a.rgb(), c.rgb()));
    }

    @Test
    void lesionIsDarkerThanSkinAndMaskIsCentredBlob() {
        SyntheticLesion s = SyntheticLesion.generate(SyntheticLesion.Spec.defaults(160, 120, 3));
        double fraction = (double) s.mask().area() / (160 * 120);
        assertTrue(fraction > 0.08 && fraction < 0.4, "lesion covers " + fraction);
        assertFalse(s.mask().touchesBorder());
        assertTrue(meanLuma(s.rgb(), s.mask(), true) < meanLuma(s.rgb(), s.mask(), false) - 40);
    }

    @Test
    void vignetteDarkensCorners() {
        SyntheticLesion s = SyntheticLesion.generate(SyntheticLesion.Spec.defaults(160, 120, 3).withVignette());
        int corner = 0;
        int centreSkin = 3 * (10 * 160 + 80);
        assertTrue((s.rgb()[corner] & 0xFF) < 40, "corner is dark");
        assertTrue((s.rgb()[centreSkin] & 0xFF) > 150, "skin near the top centre is bright");
    }
}
