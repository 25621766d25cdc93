package org.melanoscreen.model;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ActivationsTest {

    @Test
    void logitCutSelectsExactlyTheLogitsWhoseSigmoidReachesTheThreshold() {
        Random random = new Random(7);
        float[] thresholds = {0f, 1e-7f, 0.146161f, 0.3f, 0.45f, 0.5f, 0.7f, 0.999999f, 1f};
        for (float p : thresholds) {
            float cut = Activations.lowestLogitReaching(p);
            float[] near = {cut, Math.nextUp(cut), Math.nextDown(cut), Math.nextDown(Math.nextDown(cut))};
            for (float x : near) {
                assertEquals(Activations.sigmoid(x) >= p, x >= cut, "p=" + p + " x=" + x);
            }
            for (int i = 0; i < 200_000; i++) {
                float x = i % 2 == 0 ? (float) (random.nextGaussian() * 8)
                        : Float.intBitsToFloat(random.nextInt());
                assertEquals(Activations.sigmoid(x) >= p, x >= cut, "p=" + p + " x=" + x);
            }
        }
    }

    @Test
    void edgesOfTheLogitCut() {
        assertEquals(Float.NEGATIVE_INFINITY, Activations.lowestLogitReaching(0f));
        assertEquals(1f, Activations.sigmoid(Activations.lowestLogitReaching(1f)));
        assertThrows(IllegalArgumentException.class, () -> Activations.lowestLogitReaching(1.5f));
        assertThrows(IllegalArgumentException.class, () -> Activations.lowestLogitReaching(Float.NaN));
    }

    @Test
    void softmaxOfHandPickedLogits() {
        double e = Math.exp(1);
        assertArrayEquals(new float[]{(float) (1 / (1 + e)), (float) (e / (1 + e))},
                Activations.softmax(new float[]{0, 1}), 1e-7f);
    }
}
