package org.melanoscreen.imaging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskPostprocessorTest {

    private static float[] map(String... rows) {
        int w = rows[0].length();
        float[] p = new float[w * rows.length];
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < w; x++) {
                p[y * w + x] = rows[y].charAt(x) == '#' ? 0.9f : rows[y].charAt(x) == '+' ? 0.5f : 0.1f;
            }
        }
        return p;
    }

    private static String render(BinaryMask m) {
        StringBuilder sb = new StringBuilder();
        for (int y = 0; y < m.height(); y++) {
            for (int x = 0; x < m.width(); x++) {
                sb.append(m.get(x, y) ? '#' : '.');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Test
    void reportsTheLargestComponentItDropped() {
        MaskPostprocessor.Components c = new MaskPostprocessor(0.5f, true, true).applyCounting(map(
                "###....#",
                "###....#",
                "###.....",
                "......##",
                "......##"), 8, 5);
        assertEquals(9, c.mask().area());
        assertEquals(4, c.droppedArea(), "the 2x2 component, not the 1x2 one");
        assertEquals(0, new MaskPostprocessor(0.5f, true, true).applyCounting(map("##", "##"), 2, 2).droppedArea());
    }

    @Test
    void thresholdIsInclusive() {
        BinaryMask m = new MaskPostprocessor(0.5f, false, false).apply(map("+.", ".."), 2, 2);
        assertEquals("#.\n..\n", render(m));
    }

    @Test
    void keepsLargestEightConnectedComponent() {
        float[] p = map(
                "##.....",
                "##.....",
                "..#..##",
                "...#...",
                ".......");
        BinaryMask m = new MaskPostprocessor(0.5f, true, false).apply(p, 7, 5);
        assertEquals("""
                ##.....
                ##.....
                ..#....
                ...#...
                .......
                """, render(m));
    }

    @Test
    void tieKeepsFirstComponentInRowMajorOrder() {
        BinaryMask m = new MaskPostprocessor(0.5f, true, false).apply(map("##...", ".....", "...##"), 5, 3);
        assertEquals("##...\n.....\n.....\n", render(m));
    }

    @Test
    void fillsHolesButNotBaysOpenToTheBorder() {
        float[] p = map(
                "#####..",
                "#...#..",
                "#.#.#..",
                "#####..",
                "..#....");
        BinaryMask m = new MaskPostprocessor(0.5f, false, true).apply(p, 7, 5);
        assertEquals("""
                #####..
                #####..
                #####..
                #####..
                ..#....
                """, render(m));
        BinaryMask bay = new MaskPostprocessor(0.5f, false, true).apply(map("#.#", "#.#", "###"), 3, 3);
        assertEquals("#.#\n#.#\n###\n", render(bay));
    }

    @Test
    void diagonalGapIsNotAHoleUnderFourConnectedBackground() {
        float[] p = map(
                ".#.",
                "#.#",
                ".#.");
        BinaryMask m = new MaskPostprocessor(0.5f, true, true).apply(p, 3, 3);
        assertEquals(".#.\n###\n.#.\n", render(m));
    }

    @Test
    void emptyMapGivesEmptyMask() {
        BinaryMask m = new MaskPostprocessor(0.5f, true, true).apply(new float[12], 4, 3);
        assertTrue(m.isEmpty());
        assertEquals(0, m.area());
        assertEquals(null, m.bbox());
    }

    @Test
    void bboxAndBorderContact() {
        BinaryMask m = new MaskPostprocessor(0.5f, true, true).apply(map("....", ".##.", ".##.", "...."), 4, 4);
        assertArrayEquals(new int[]{1, 1, 3, 3}, m.bbox());
        assertEquals(false, m.touchesBorder());
        BinaryMask edge = new MaskPostprocessor(0.5f, true, true).apply(map("....", "...#", "....", "...."), 4, 4);
        assertTrue(edge.touchesBorder());
    }
}
