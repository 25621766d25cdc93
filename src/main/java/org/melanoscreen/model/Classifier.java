package org.melanoscreen.model;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.MatScope;
import org.opencv.core.Mat;

import java.util.Arrays;
import java.util.List;

/**
 * The melanoma classifier's steps around its model: the region cut around the mask and pre-processed as the
 * manifest says, its test-time views ({@code input.tta}) as one batch, and the activation per view averaged over the
 * views. With test-time augmentation off, or without it in the manifest, the batch is the identity view alone.
 */
public final class Classifier implements Translator<Classifier.Input, Classifier.Output> {
    private final Manifest manifest;
    private final InputPreprocessor preprocessor;
    private final List<TtaView> views;
    /** Per view after the identity: for each output pixel of a plane, the identity pixel it takes. */
    private final int[][] viewSources;
    /** Null when the manifest asks for no out-of-distribution check. */
    private final OodScorer ood;

    /** The frame, the region of it to classify ({@link #region}) and the segmenter's mask. */
    public record Input(Frame frame, int[] region, BinaryMask mask) {
    }

    /**
     * Class probabilities and the melanoma probability among them (means over the views), each view's melanoma
     * probability in view order, and the out-of-distribution score of the identity view (NaN without that check).
     */
    public record Output(float[] probabilities, float melanomaProbability, float[] viewMelanomaProbabilities,
                         double oodScore) {
    }

    /**
     * @param tta whether to run the manifest's test-time views ({@code models.tta}); false: the identity view alone
     */
    public Classifier(Manifest manifest, boolean tta) throws ModelException {
        if (manifest.task() != Manifest.Task.CLASSIFICATION) {
            throw new IllegalArgumentException(manifest.id() + " is not a classification model");
        }
        this.manifest = manifest;
        this.preprocessor = new InputPreprocessor(manifest.input());
        this.views = tta ? manifest.input().views() : List.of(TtaView.IDENTITY);
        this.viewSources = new int[views.size() - 1][];
        for (int k = 1; k < views.size(); k++) {
            viewSources[k - 1] = views.get(k).sourceIndices(manifest.input().height(), manifest.input().width());
        }
        this.ood = OodScorer.fromManifest(manifest);
    }

    /** The classifier's predictor on {@code model}, with or without its test-time views. */
    public static Predictor<Input, Output> predictor(OnnxModel model, boolean tta) throws ModelException {
        return new Predictor<>(model, new Classifier(model.manifest(), tta));
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    /** The views each call runs, in batch order. */
    public List<TtaView> views() {
        return views;
    }

    @Override
    public int batch() {
        return views.size();
    }

    @Override
    public List<String> outputs() {
        return ood == null ? List.of(manifest.output().name()) : List.of(manifest.output().name(), ood.output());
    }

    @Override
    public void check(OnnxModel model) throws ModelException {
        if (ood != null) {
            ood.checkModel(model);
        }
    }

    /**
     * The referral threshold for the probability this classifier gives: with test-time views the manifest's
     * {@code thresholds.referral} (for the mean); a manifest with views run as the identity alone,
     * {@code thresholds.referral_single_view}.
     */
    public double referralThreshold() {
        Manifest.Referral referral = manifest.referral();
        return manifest.input().hasTta() && views.size() == 1 ? referral.singleViewThreshold() : referral.threshold();
    }

    /** The name of the threshold {@link #referralThreshold} is, for messages naming it. */
    public String referralThresholdKey() {
        return manifest.input().hasTta() && views.size() == 1 ? "thresholds.referral_single_view"
                : "thresholds.referral";
    }

    /** The score above which a crop is out of distribution; NaN when the model has no such check. */
    public double oodThreshold() {
        return ood == null ? Double.NaN : ood.threshold();
    }

    /** The frame region this classifier looks at, given the segmenter's mask. */
    public int[] region(Frame frame, BinaryMask mask) {
        return ClassifierRegion.rect(manifest.input().region(), mask, frame.width(), frame.height());
    }

    /**
     * The identity view pre-processed into the first item's planes; each other view made from it by index copies on
     * Java arrays (one bulk read and one bulk write of the buffer, no native call per pixel).
     */
    @Override
    public void prepare(Input input, Mat planes) {
        int h = manifest.input().height();
        int w = manifest.input().width();
        try (MatScope scope = new MatScope()) {
            Mat identity = views.size() == 1 ? planes : scope.add(planes.submat(0, 3 * h, 0, w));
            preprocessor.prepareInto(input.frame(), input.region(), blanking(input.mask()), identity);
        }
        if (views.size() > 1) {
            int plane = h * w;
            float[] identity = new float[3 * plane];
            planes.get(0, 0, identity);
            float[] others = new float[viewSources.length * 3 * plane];
            for (int k = 0; k < viewSources.length; k++) {
                int[] source = viewSources[k];
                for (int c = 0; c < 3; c++) {
                    int from = c * plane;
                    int to = (k * 3 + c) * plane;
                    for (int i = 0; i < plane; i++) {
                        others[to + i] = identity[from + source[i]];
                    }
                }
            }
            planes.put(3 * h, 0, others);
        }
    }

    /** The mask whose outside the input blanks: only for a masked crop. */
    private BinaryMask blanking(BinaryMask mask) {
        boolean masked = manifest.input().region().type() == Manifest.RegionType.MASKED_CROP && !mask.isEmpty();
        return masked ? mask : null;
    }

    @Override
    public Output process(float[][] outputs) {
        Manifest.OutputSpec out = manifest.output();
        int classes = out.classNames().size();
        float[] logits = outputs[0];
        float[][] perView = new float[views.size()][];
        float[] viewMelanoma = new float[views.size()];
        for (int k = 0; k < views.size(); k++) {
            perView[k] = activate(Arrays.copyOfRange(logits, k * classes, (k + 1) * classes), out.activation());
            viewMelanoma[k] = perView[k][out.melanomaIndex()];
        }
        float[] probabilities = perView.length == 1 ? perView[0] : mean(perView, classes);
        double oodScore = ood == null ? Double.NaN
                : ood.score(Arrays.copyOf(outputs[1], outputs[1].length / views.size()));
        return new Output(probabilities, probabilities[out.melanomaIndex()], viewMelanoma, oodScore);
    }

    private static float[] activate(float[] logits, Manifest.Activation activation) {
        if (activation == Manifest.Activation.SOFTMAX) {
            return Activations.softmax(logits);
        }
        float[] probabilities = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            probabilities[i] = Activations.sigmoid(logits[i]);
        }
        return probabilities;
    }

    private static float[] mean(float[][] perView, int classes) {
        float[] mean = new float[classes];
        for (int i = 0; i < classes; i++) {
            double sum = 0;
            for (float[] view : perView) {
                sum += view[i];
            }
            mean[i] = (float) (sum / perView.length);
        }
        return mean;
    }
}
