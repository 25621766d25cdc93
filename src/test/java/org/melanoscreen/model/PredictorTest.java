package org.melanoscreen.model;

import org.junit.jupiter.api.Test;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.TestImages;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A predictor owns the model call and returns each step's time with the output, read from its clock. */
class PredictorTest {

    /** A clock that gives the instants listed, one per reading, and fails when read more often than that. */
    private static LongSupplier clock(Deque<Long> readings) {
        return () -> {
            Long next = readings.poll();
            if (next == null) {
                throw new AssertionError("the clock was read more often than the steps need");
            }
            return next;
        };
    }

    private static Deque<Long> millis(long... instants) {
        Deque<Long> out = new ArrayDeque<>();
        for (long ms : instants) {
            out.add(ms * 1_000_000);
        }
        return out;
    }

    @Test
    void eachCallReturnsItsPreprocessingInferenceAndPostprocessingTime() throws Exception {
        Deque<Long> readings = millis(100, 102, 107, 108, 200, 200, 211, 214, 300, 304);
        try (OnnxModel model = OnnxModel.load(TinyModels.SEG, TinyModels.SETTINGS);
             Frame frame = TestImages.lesion(160, 120, 3).toFrame("synthetic")) {
            Predictor<Frame, Segmenter.Output> predictor = new Predictor<>(model, new Segmenter(model.manifest()),
                    clock(readings));
            Prediction<Segmenter.Output> inPlace = predictor.predict(frame);
            assertEquals(List.of(2.0, 5.0, 1.0), List.of(inPlace.preprocessMs(), inPlace.inferenceMs(),
                    inPlace.postprocessMs()));
            float[] prepared = predictor.prepare(frame);
            Prediction<Segmenter.Output> ahead = predictor.predictPrepared(prepared);
            assertEquals(List.of(0.0, 11.0, 3.0), List.of(ahead.preprocessMs(), ahead.inferenceMs(),
                    ahead.postprocessMs()));
            assertArrayEquals(inPlace.output().logits(), ahead.output().logits(), "both input paths give one result");
            assertArrayEquals(inPlace.output().segmentation().mask().pixels(),
                    ahead.output().segmentation().mask().pixels());
            try (Predictor<Frame, Segmenter.Output>.ModelAlone alone = predictor.alone(frame)) {
                assertEquals(4.0, alone.run());
            }
            assertTrue(readings.isEmpty());
        }
    }

    @Test
    void aTranslatorServesOnlyTheModelItWasMadeFor() throws Exception {
        try (OnnxModel seg = OnnxModel.load(TinyModels.SEG, TinyModels.SETTINGS);
             OnnxModel cls = OnnxModel.load(TinyModels.CLS, TinyModels.SETTINGS)) {
            assertThrows(IllegalArgumentException.class, () -> new Predictor<>(cls, new Segmenter(seg.manifest())));
            Predictor<Frame, Segmenter.Output> predictor = Segmenter.predictor(seg);
            assertThrows(IllegalArgumentException.class, () -> predictor.predictPrepared(new float[7]));
        }
    }
}
