package org.melanoscreen.model;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;

/** The melanoma classifier: region and pre-processing, the model call and the activation as separate steps. */
public final class Classifier {
    private final OnnxModel model;
    private final InputPreprocessor preprocessor;
    /** Null when the manifest asks for no out-of-distribution check. */
    private final OodScorer ood;

    /**
     * Class probabilities, the melanoma probability among them, and the out-of-distribution score of the crop
     * (NaN when the model has no such check).
     */
    public record Output(float[] probabilities, float melanomaProbability, double oodScore) {
    }

    public Classifier(OnnxModel model) throws ModelException {
        if (model.manifest().task() != Manifest.Task.CLASSIFICATION) {
            throw new IllegalArgumentException(model.manifest().id() + " is not a classification model");
        }
        this.model = model;
        this.preprocessor = new InputPreprocessor(model.manifest().input());
        this.ood = OodScorer.fromManifest(model.manifest());
        if (ood != null) {
            ood.checkModel(model);
        }
    }

    /** The score above which a crop is out of distribution; NaN when the model has no such check. */
    public double oodThreshold() {
        return ood == null ? Double.NaN : ood.threshold();
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
        if (input.length != model.inputLength()) {
            throw new IllegalArgumentException("input has " + input.length + " floats, model needs "
                    + model.inputLength());
        }
        return classify(planes -> planes.put(0, 0, input));
    }

    /**
     * Classifies the region, its input written straight into the model's input buffer (the same result as
     * {@code classify(input(frame, region, mask))}, without copies); {@code inputReady} runs between pre-processing
     * and the model call.
     */
    public Output classify(Frame frame, int[] region, BinaryMask mask, Runnable inputReady) throws ModelException {
        return classify(planes -> {
            preprocessor.prepareInto(frame, region, blanking(mask), planes);
            inputReady.run();
        });
    }

    private Output classify(OnnxModel.InputWriter writer) throws ModelException {
        if (ood == null) {
            return output(model.run(writer), Double.NaN);
        }
        float[][] outputs = model.runWith(writer, ood.output());
        return output(outputs[0], ood.score(outputs[1]));
    }

    private Output output(float[] logits, double oodScore) {
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
        return new Output(probabilities, probabilities[out.melanomaIndex()], oodScore);
    }
}
