package org.melanoscreen.capture;

import org.junit.jupiter.api.Test;
import org.melanoscreen.imaging.Frame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedDermatoscopeTest {
    private static final int W = 320;
    private static final int H = 240;

    private static List<byte[]> frames(long seed, int count, int perPlacement) throws CaptureException {
        List<byte[]> out = new ArrayList<>();
        var settings = new SimulatedDermatoscope.Settings(W, H, 12, seed, perPlacement);
        try (SimulatedDermatoscope sim = new SimulatedDermatoscope(settings, new FakeTicker())) {
            for (int i = 0; i < count; i++) {
                try (Frame f = sim.grab()) {
                    assertEquals(W, f.width());
                    assertEquals(H, f.height());
                    out.add(f.rgbBytes());
                }
            }
        }
        return out;
    }

    /**
     * The steepest edges: the 99.5th percentile of differences between neighbouring 4x4 block means of green
     * (blocks average the noise away; the percentile looks at the lesion border, not the smooth skin).
     */
    private static double sharpness(byte[] rgb) {
        int bw = W / 4;
        int bh = H / 4;
        double[] blocks = new double[bw * bh];
        for (int y = 0; y < bh * 4; y++) {
            for (int x = 0; x < bw * 4; x++) {
                blocks[(y / 4) * bw + x / 4] += (rgb[3 * (y * W + x) + 1] & 0xFF) / 16.0;
            }
        }
        double[] steps = new double[bh * (bw - 1)];
        for (int y = 0, i = 0; y < bh; y++) {
            for (int x = 1; x < bw; x++, i++) {
                steps[i] = Math.abs(blocks[y * bw + x] - blocks[y * bw + x - 1]);
            }
        }
        Arrays.sort(steps);
        return steps[(int) (steps.length * 0.995)];
    }

    /** The x centre of darkness, weighted so that only the lesion counts. */
    private static double lesionCentreX(byte[] rgb) {
        double sum = 0;
        double weight = 0;
        for (int i = 0; i < W * H; i++) {
            double w = Math.max(0, 150 - (rgb[3 * i + 1] & 0xFF));
            sum += w * (i % W);
            weight += w;
        }
        return sum / weight;
    }

    @Test
    void sameSeedReplaysExactlyAndOtherSeedsDiffer() throws Exception {
        List<byte[]> a = frames(5, 12, 8);
        List<byte[]> b = frames(5, 12, 8);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "frame " + i);
        }
        assertFalse(Arrays.equals(a.get(0), frames(6, 1, 8).get(0)));
    }

    @Test
    void framesShowNoiseMotionAndFocusChanges() throws Exception {
        List<byte[]> frames = frames(3, 60, 60);
        assertFalse(Arrays.equals(frames.get(20), frames.get(21)), "consecutive frames differ");
        double[] sharp = frames.stream().mapToDouble(SimulatedDermatoscopeTest::sharpness).toArray();
        double[] centre = frames.stream().mapToDouble(SimulatedDermatoscopeTest::lesionCentreX).toArray();
        double maxSharp = Arrays.stream(sharp).max().orElseThrow();
        assertTrue(sharp[0] < 0.6 * maxSharp, "the first frame is out of focus: " + sharp[0] + " vs " + maxSharp);
        double range = Arrays.stream(centre).max().orElseThrow() - Arrays.stream(centre).min().orElseThrow();
        assertTrue(range > 1 && range < 0.1 * W, "the lesion moves slightly: " + range + " px");
    }

    @Test
    void newPlacementShowsAnotherLesion() throws Exception {
        List<byte[]> frames = frames(3, 8, 4);
        double sameLesion = Math.abs(lesionCentreX(frames.get(2)) - lesionCentreX(frames.get(3)));
        assertTrue(sameLesion < 5, "same placement: " + sameLesion);
        assertFalse(Arrays.equals(frames.get(3), frames.get(7)));
    }

    @Test
    void pacesToTheFrameRate() throws Exception {
        FakeTicker ticker = new FakeTicker();
        var settings = new SimulatedDermatoscope.Settings(64, 64, 10, 1, 100);
        try (SimulatedDermatoscope sim = new SimulatedDermatoscope(settings, ticker)) {
            for (int i = 0; i < 4; i++) {
                sim.grab().close();
            }
        }
        assertEquals(List.of(100L, 100L, 100L), ticker.sleeps);
    }

    @Test
    void settingsAreValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SimulatedDermatoscope.Settings(640, 480, 0, 1, 10));
        assertTrue(e.getMessage().contains("fps 0.0"), e.getMessage());
    }

    /** The simulated scope a source specification describes, with a ticker that never sleeps. */
    private static SimulatedDermatoscope simulated(String options) {
        return new SimulatedDermatoscope(SourceFactory.simulatedSettings("simulated?width=64&height=64&fps=30&"
                + options), new FakeTicker());
    }

    private static byte[] grab(FrameSource source) throws CaptureException {
        try (Frame f = source.grab()) {
            return f.rgbBytes();
        }
    }

    @Test
    void unplugsAfterNFramesAndIsPluggedBackInAfterMFailedGrabs() throws Exception {
        try (SimulatedDermatoscope sim = simulated("unplug_after=2&replug-after=3")) {
            grab(sim);
            grab(sim);
            for (int i = 3; i <= 5; i++) {
                CaptureException e = assertThrows(CaptureException.class, sim::grab);
                assertEquals("simulated dermatoscope: unplugged (unplug-after=2) at grab " + i, e.getMessage());
                assertEquals("none: the simulated scope is plugged back in after 3 failed grabs", e.remedy());
            }
            grab(sim);
            grab(sim);
            assertTrue(sim.describe().endsWith("acting out unplug-after=2&replug-after=3"), sim.describe());
        }
    }

    @Test
    void withoutReplugItStaysUnplugged() throws Exception {
        try (SimulatedDermatoscope sim = simulated("unplug-after=1")) {
            grab(sim);
            for (int i = 0; i < 20; i++) {
                assertThrows(CaptureException.class, sim::grab);
            }
        }
    }

    @Test
    void freezesRepeatingOneFrameIsLostAtTheFrozenLimitAndRecoversAfterTheFreeze() throws Exception {
        try (SimulatedDermatoscope sim = simulated("freeze-after=1&freeze-frames=5&frozen-frames=3")) {
            byte[] live = grab(sim);
            byte[] frozen = grab(sim);
            assertFalse(Arrays.equals(live, frozen));
            assertArrayEquals(frozen, grab(sim));
            for (int i = 0; i < 3; i++) {
                CaptureException e = assertThrows(CaptureException.class, sim::grab);
                assertTrue(e.getMessage().startsWith("simulated dermatoscope: lost (frozen: 3 identical frames in a "
                        + "row, freeze-after=1)"), e.getMessage());
                assertEquals("none: the simulated scope delivers live frames again after 5 grabs", e.remedy());
            }
            byte[] again = grab(sim);
            assertFalse(Arrays.equals(frozen, again));
            assertFalse(Arrays.equals(again, grab(sim)));
        }
    }

    @Test
    void failsOneReadInEveryN() throws Exception {
        try (SimulatedDermatoscope sim = simulated("fail-every=3")) {
            for (int round = 0; round < 3; round++) {
                grab(sim);
                grab(sim);
                assertTrue(assertThrows(CaptureException.class, sim::grab).getMessage()
                        .contains("read error (fail-every=3)"));
            }
        }
    }

    @Test
    void withoutFaultsNothingFails() throws Exception {
        var settings = new SimulatedDermatoscope.Settings(64, 64, 30, 1, 100);
        assertEquals(SimulatedDermatoscope.Faults.NONE, settings.faults());
        try (SimulatedDermatoscope sim = new SimulatedDermatoscope(settings, new FakeTicker())) {
            byte[] previous = grab(sim);
            for (int i = 0; i < 100; i++) {
                byte[] next = grab(sim);
                assertFalse(Arrays.equals(previous, next));
                previous = next;
            }
        }
    }
}
