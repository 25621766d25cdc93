package org.melanoscreen.model;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;

/** The melanoma classifier: region and pre-processing, the model call and the activation as separate steps. */
public final class Classifier {
    private final OnnxModel model;
    private final InputPreprocessor preprocessor;

    /** Class probabilities and the melanoma probability among them. */
    public record Output(float[] probabilities, float melanomaProbability) {
    }

    public Classifier(OnnxModel model) {
        if (model.manifest().task() != Manifest.Task.CLASSIFICATION) {
            throw new IllegalArgumentException(model.manifest().id() + " is not a classification model");
        }
        this.model = model;
        this.preprocessor = new InputPreprocessor(model.manifest().input());
    }

    public Manifest manifest() {
        return model.manifest();
    }

    public OnnxModel model() {
        return model;
    }

    /** The frame region this classifier looks at, given the segmenter's mask. */
    public int[] region(Frame frame, BinaryMask mask) {
        return ClassifierRegion.rect(manifest().input().region(), mask, frame.width(), frame.height());
    }

    public float[] input(Frame frame, int[] region, BinaryMask mask) {
        return preprocessor.prepare(frame, region, blanking(mask));
    }

    /** The mask whose outside the input blanks: only for a masked crop. */
    private BinaryMask blanking(BinaryMask mask) {
        boolean masked = manifest().input().region().type() == Manifest.RegionType.MASKED_CROP && !mask.isEmpty();
        return masked ? mask : null;
    }

    public Output classify(float[] input) throws ModelException {
        return output(model.run(input));
    }

    /**
     * Classifies the region, its input written straight into the model's input buffer (the same result as
     * {@code classify(input(frame, region, mask))}, without copies); {@code inputReady} runs between pre-processing
     * and the model call.
     */
    public Output classify(Frame frame, int[] region, BinaryMask mask, Runnable inputReady) throws ModelException {
        return output(model.run(planes -> {
            preprocessor.prepareInto(frame, region, blanking(mask), planes);
            inputReady.run();
        }));
    }

    private Output output(float[] logits) {
        Manifest.OutputSpec out = manifest().output();
        float[] probabilities;
        if (out.activation() == Manifest.Activation.SOFTMAX) {
            probabilities = Activations.softmax(logits);
        } else {
            probabilities = new float[logits.length];
            for (int i = 0; i < logits.length; i++) {
                probabilities[i] = Activations.sigmoid(logits[i]);
            }
        }
        return new Output(probabilities, probabilities[out.melanomaIndex()]);
    }
}
