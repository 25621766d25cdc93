package org.melanoscreen.model;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.MaskPostprocessor;

/** The lesion segmenter: pre-processing, the model call and mask post-processing as separate steps. */
public final class Segmenter {
    private final OnnxModel model;
    private final InputPreprocessor preprocessor;
    private final MaskPostprocessor postprocessor;

    public Segmenter(OnnxModel model) {
        if (model.manifest().task() != Manifest.Task.SEGMENTATION) {
            throw new IllegalArgumentException(model.manifest().id() + " is not a segmentation model");
        }
        this.model = model;
        this.preprocessor = new InputPreprocessor(model.manifest().input());
        Manifest.MaskPostprocess post = model.manifest().postprocess();
        this.postprocessor = new MaskPostprocessor(post.threshold(), post.largestComponent(), post.fillHoles());
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
        return sigmoid(model.run(input));
    }

    /**
     * The frame's lesion probabilities, its input written straight into the model's input buffer (the same values
     * as {@code probabilities(input(frame))}, without copies); {@code inputReady} runs between pre-processing and
     * the model call.
     */
    public float[] probabilities(Frame frame, Runnable inputReady) throws ModelException {
        return sigmoid(model.run(planes -> {
            preprocessor.fullInto(frame, planes);
            inputReady.run();
        }));
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
}
