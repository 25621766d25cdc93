package org.melanoscreen.model;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.MaskPostprocessor;

/** The lesion segmenter: pre-processing, the model call and mask post-processing as separate steps. */
public final class Segmenter {
    private final OnnxModel model;
    private final InputPreprocessor preprocessor;
    private final MaskPostprocessor postprocessor;
    /** The same post-processing on the logits, cut where the sigmoid reaches the threshold. */
    private final MaskPostprocessor logitPostprocessor;

    public Segmenter(OnnxModel model) {
        if (model.manifest().task() != Manifest.Task.SEGMENTATION) {
            throw new IllegalArgumentException(model.manifest().id() + " is not a segmentation model");
        }
        this.model = model;
        this.preprocessor = new InputPreprocessor(model.manifest().input());
        Manifest.MaskPostprocess post = model.manifest().postprocess();
        this.postprocessor = new MaskPostprocessor(post.threshold(), post.largestComponent(), post.fillHoles());
        this.logitPostprocessor = new MaskPostprocessor(Activations.lowestLogitReaching(post.threshold()),
                post.largestComponent(), post.fillHoles());
    }

    public Manifest manifest() {
        return model.manifest();
    }

    public OnnxModel model() {
        return model;
    }

    public float[] input(Frame frame) {
        return preprocessor.full(frame);
    }

    /** Lesion probability per pixel at the model's resolution, row-major. */
    public float[] probabilities(float[] input) throws ModelException {
        return sigmoid(logits(input));
    }

    /**
     * The model's raw output (logits) for the frame, its input written straight into the model's input buffer (the
     * same values as before the sigmoid of {@code probabilities(input(frame))}, without copies); {@code inputReady}
     * runs between pre-processing and the model call.
     */
    public float[] logits(Frame frame, Runnable inputReady) throws ModelException {
        return model.run(planes -> {
            preprocessor.fullInto(frame, planes);
            inputReady.run();
        });
    }

    /** The model's raw output (logits) for an input made by {@link #input}. */
    public float[] logits(float[] input) throws ModelException {
        return model.run(input);
    }

    private static float[] sigmoid(float[] logits) {
        for (int i = 0; i < logits.length; i++) {
            logits[i] = Activations.sigmoid(logits[i]);
        }
        return logits;
    }

    public BinaryMask mask(float[] probabilities) {
        return postprocessor.apply(probabilities, manifest().input().width(), manifest().input().height());
    }

    /** The mask {@link #mask} gives for the sigmoid of {@code logits}, computed without the sigmoid. */
    public BinaryMask maskFromLogits(float[] logits) {
        return componentsFromLogits(logits).mask();
    }

    /** {@link #maskFromLogits} with the area of the largest component the post-processing dropped. */
    public MaskPostprocessor.Components componentsFromLogits(float[] logits) {
        return logitPostprocessor.applyCounting(logits, manifest().input().width(), manifest().input().height());
    }

    /**
     * How sure the segmenter is of the lesion it found: the mean lesion probability over the mask's pixels (NaN
     * for an empty mask). Only the mask's pixels go through the sigmoid.
     */
    public static double meanConfidence(float[] logits, BinaryMask mask) {
        byte[] pixels = mask.pixels();
        double sum = 0;
        int n = 0;
        for (int i = 0; i < pixels.length; i++) {
            if (pixels[i] != 0) {
                sum += Activations.sigmoid(logits[i]);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
