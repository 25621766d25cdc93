package org.melanoscreen.model;

import org.opencv.core.Mat;

import java.util.List;

/**
 * The steps around one model call, without the call itself (DJL's translator): how an input becomes the model's
 * input tensor and how the model's outputs become a result. A {@link Predictor} owns the call and times each step.
 * Translators hold no per-call state, so one can serve calls from several threads.
 */
public interface Translator<I, O> {
    /** The manifest of the model this translator prepares for. */
    Manifest manifest();

    /** How many items one call runs as one batch (the classifier's test-time views; otherwise 1). */
    default int batch() {
        return 1;
    }

    /** The outputs to read, by name, in the order {@link #process} gets them; the manifest's output first. */
    default List<String> outputs() {
        return List.of(manifest().output().name());
    }

    /** Checks, once, that the loaded model has what this translator reads beyond the manifest's input and output. */
    default void check(OnnxModel model) throws ModelException {
    }

    /**
     * Writes the model input for {@code input} into {@code planes}: a continuous ({@link #batch()} * 3 * H) x W float
     * Mat whose rows are the NCHW planes of the batch items one after the other, such as the model's own input buffer.
     */
    void prepare(I input, Mat planes);

    /** The result from the model's outputs (in the order of {@link #outputs()}; each of every batch item). */
    O process(float[][] outputs);
}
