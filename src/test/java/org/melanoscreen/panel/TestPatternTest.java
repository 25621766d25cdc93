package org.melanoscreen.panel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestPatternTest {

    @Test
    void frameAroundTheEdgeAndACheckerboardInside() {
        for (int height : new int[]{32, 64}) {
            MonoFrame f = new ScreenRenderer(height).render(new DisplayScreen.TestPattern());
            for (int x = 0; x < MonoFrame.WIDTH; x++) {
                assertTrue(f.lit(x, 0) && f.lit(x, height - 1), "top and bottom rows at x=" + x);
            }
            for (int y = 0; y < height; y++) {
                assertTrue(f.lit(0, y) && f.lit(MonoFrame.WIDTH - 1, y), "left and right columns at y=" + y);
            }
            assertTrue(f.lit(2, 4) && f.lit(4, 2), "checkerboard dots");
            assertFalse(f.lit(3, 2) || f.lit(2, 3), "gaps between the dots");
        }
    }
}
