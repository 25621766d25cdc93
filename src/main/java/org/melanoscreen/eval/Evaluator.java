package org.melanoscreen.eval;

import org.melanoscreen.analysis.PreparedFrame;
import org.melanoscreen.analysis.ReadAhead;
import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.imaging.ImageException;
import org.melanoscreen.imaging.MaskFiles;
import org.melanoscreen.model.ModelException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Runs the device pipeline over a labelled data set and computes the figures of {@link EvalReport}: what the
 * device decides for each image (REFER / LOW / RETAKE, as {@code screen} would) and the model scores. Unlike
 * the device, evaluation scores every image: where the device gives no probability the classifier still sees the
 * region the mask gives (the whole frame when no lesion was found), so every labelled image counts in the AUC (as
 * the recipe's evaluation does: {@link ScreeningPipeline#evaluate}). Segmentation is scored against the ground
 * truth at its own resolution.
 */
public final class Evaluator {
    private final ScreeningPipeline pipeline;

    public Evaluator(ScreeningPipeline pipeline) {
        this.pipeline = pipeline;
    }

    public EvalReport evaluate(Dataset dataset, IntConsumer progress) {
        List<EvalReport.Row> rows = new ArrayList<>();
        int done = 0;
        List<Path> images = dataset.items().stream().map(Dataset.Item::image).toList();
        try (ReadAhead frames = pipeline.readAhead(images)) {
            for (Dataset.Item item : dataset.items()) {
                rows.add(evaluate(item, frames));
                progress.accept(++done);
            }
        }
        return summarise(rows, dataset.problems().size(), pipeline.policy().referralThreshold());
    }

    private EvalReport.Row evaluate(Dataset.Item item, ReadAhead frames) {
        try (PreparedFrame prepared = frames.next()) {
            ScreeningPipeline.Evaluation evaluated = pipeline.evaluate(prepared);
            double dice = Double.NaN;
            double jaccard = Double.NaN;
            if (item.mask() != null) {
                double[] overlap = SegmentationMetrics.overlapAtTruthResolution(evaluated.mask(),
                        MaskFiles.read(item.mask()));
                dice = overlap[0];
                jaccard = overlap[1];
            }
            return new EvalReport.Row(item.id(), item.melanoma(), evaluated.probability(), evaluated.device().risk(),
                    evaluated.mask().area(), dice, jaccard, null);
        } catch (ImageException | ModelException | IOException e) {
            return new EvalReport.Row(item.id(), item.melanoma(), Double.NaN, null, 0, Double.NaN, Double.NaN,
                    e.getMessage());
        }
    }

    static EvalReport summarise(List<EvalReport.Row> rows, int labelProblems, double threshold) {
        List<EvalReport.Row> ok = rows.stream().filter(r -> r.error() == null).toList();
        double[] scores = ok.stream().mapToDouble(EvalReport.Row::probability).toArray();
        int[] labels = ok.stream().mapToInt(EvalReport.Row::melanoma).toArray();
        long[] confusion = BinaryMetrics.confusion(scores, labels, threshold);
        double[] dice = ok.stream().mapToDouble(EvalReport.Row::dice).filter(Double::isFinite).toArray();
        double[] jaccard = ok.stream().mapToDouble(EvalReport.Row::jaccard).filter(Double::isFinite).toArray();
        boolean bothClasses = confusion[0] + confusion[3] > 0 && confusion[1] + confusion[2] > 0;
        return new EvalReport(
                rows.size() + labelProblems,
                rows.size() - ok.size() + labelProblems,
                (int) (confusion[0] + confusion[3]),
                BinaryMetrics.auc(scores, labels),
                bothClasses ? BinaryMetrics.aucConfidenceInterval(scores, labels, 0)
                        : new double[]{Double.NaN, Double.NaN},
                threshold,
                BinaryMetrics.sensitivity(confusion),
                BinaryMetrics.specificity(confusion),
                BinaryMetrics.f1(confusion),
                scores.length == 0 ? Double.NaN : BinaryMetrics.logLoss(scores, labels),
                bothClasses ? BinaryMetrics.balancedAccuracy(confusion) : Double.NaN,
                scores.length == 0 ? Double.NaN : BinaryMetrics.expectedCalibrationError(scores, labels),
                dice.length,
                mean(dice),
                mean(jaccard),
                mean(java.util.Arrays.stream(jaccard).map(SegmentationMetrics::thresholdedJaccard).toArray()),
                EvalReport.Outcomes.of(rows),
                List.copyOf(rows));
    }

    private static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }
}
