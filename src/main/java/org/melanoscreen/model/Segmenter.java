package org.melanoscreen.model;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.MaskPostprocessor;
import org.opencv.core.Mat;

/**
 * The lesion segmenter's steps around its model: the whole frame as input, and the mask cut from the logits (where
 * the sigmoid reaches the manifest's threshold), its largest component kept and holes filled.
 */
public final class Segmenter implements Translator<Frame, Segmenter.Output> {
    private final Manifest manifest;
    private final InputPreprocessor preprocessor;
    private final MaskPostprocessor logitPostprocessor;

    /** What the segmenter found, and the model's raw output (logits at its resolution, row-major) it came from. */
    public record Output(Segmentation segmentation, float[] logits) {
    }

    public Segmenter(Manifest manifest) {
        if (manifest.task() != Manifest.Task.SEGMENTATION) {
            throw new IllegalArgumentException(manifest.id() + " is not a segmentation model");
        }
        this.manifest = manifest;
        this.preprocessor = new InputPreprocessor(manifest.input());
        Manifest.MaskPostprocess post = manifest.postprocess();
        this.logitPostprocessor = new MaskPostprocessor(Activations.lowestLogitReaching(post.threshold()),
                post.largestComponent(), post.fillHoles());
    }

    /** The segmenter's predictor on {@code model}. */
    public static Predictor<Frame, Output> predictor(OnnxModel model) throws ModelException {
        return new Predictor<>(model, new Segmenter(model.manifest()));
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public void prepare(Frame frame, Mat planes) {
        preprocessor.fullInto(frame, planes);
    }

    @Override
    public Output process(float[][] outputs) {
        float[] logits = outputs[0];
        MaskPostprocessor.Components components = logitPostprocessor.applyCounting(logits,
                manifest.input().width(), manifest.input().height());
        return new Output(new Segmentation(components.mask(), components.droppedArea(),
                meanConfidence(logits, components.mask())), logits);
    }

    /**
     * How sure the segmenter is of the lesion it found: the mean lesion probability over the mask's pixels (NaN
     * for an empty mask). Only the mask's pixels go through the sigmoid.
     */
    static double meanConfidence(float[] logits, BinaryMask mask) {
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
