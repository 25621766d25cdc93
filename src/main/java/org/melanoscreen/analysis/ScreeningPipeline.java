package org.melanoscreen.analysis;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.HairRemoval;
import org.melanoscreen.imaging.ImageDecoder;
import org.melanoscreen.imaging.ImageException;
import org.melanoscreen.imaging.MaskPostprocessor;
import org.melanoscreen.model.Classifier;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.Segmenter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * From a frame to a risk result: segment, cut the region, classify, measure, decide. While the classifier runs,
 * a second thread runs the quality gate and the measurements, which need only the frame and the mask; the same
 * thread can prepare the next file while this one is segmented ({@link #readAhead}). Close the pipeline to end
 * that thread.
 */
public final class ScreeningPipeline implements AutoCloseable {
    static final String NOT_DERMOSCOPIC = "not a dermoscopic lesion image";
    private final ImageDecoder decoder;
    private final Segmenter segmenter;
    private final Classifier classifier;
    private final LesionMeasurer measurer;
    private final RiskPolicy policy;
    private final QualityGate gate;
    private final boolean hairRemoval;
    private final boolean oodCheck;
    private final ExecutorService secondThread = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "screening-second-thread");
        thread.setDaemon(true);
        return thread;
    });

    public ScreeningPipeline(ImageDecoder decoder, ModelSet models, LesionMeasurer measurer, RiskPolicy policy,
                             QualitySettings quality, LesionSettings lesion, boolean hairRemoval) {
        this.decoder = decoder;
        this.segmenter = models.segmenter();
        this.classifier = models.classifier();
        this.measurer = measurer;
        this.policy = policy;
        this.gate = new QualityGate(quality, lesion);
        this.oodCheck = lesion.oodCheck();
        this.hairRemoval = hairRemoval;
    }

    /**
     * The pipeline for a model set as the command line and the service both configure it: the referral threshold
     * comes from the classifier's manifest, and one the policy refuses is a {@link ModelException}.
     */
    public static ScreeningPipeline forModels(ModelSet models, Double pixelPitchMm, QualitySettings quality,
                                              LesionSettings lesion, boolean hairRemoval) throws ModelException {
        RiskPolicy policy = RiskPolicy.forClassifier(models.classifier().manifest());
        return new ScreeningPipeline(new ImageDecoder(), models, new LesionMeasurer(pixelPitchMm), policy, quality,
                lesion, hairRemoval);
    }

    public ScreeningResult screen(Path file) throws ImageException, ModelException {
        StageTimings timings = new StageTimings();
        try (Frame frame = decoder.decode(file)) {
            timings.stop(StageTimings.DECODE);
            return screen(frame, timings);
        }
    }

    /**
     * Decodes and prepares {@code files} one ahead on the second thread, for screening them in order; close it
     * before the pipeline.
     */
    public ReadAhead readAhead(List<Path> files) {
        return new ReadAhead(files, secondThread, this::prepareAhead);
    }

    public ScreeningResult screen(Frame frame) throws ModelException {
        return screen(frame, new StageTimings());
    }

    /** Screens the frame: hair removal if configured, segmentation, quality gate, classification, decision. */
    public ScreeningResult screen(Frame frame, StageTimings timings) throws ModelException {
        try (PreparedFrame prepared = prepare(frame, timings)) {
            return screen(prepared, timings);
        }
    }

    /** Screens a prepared frame: segmentation, quality gate, classification, decision. */
    public ScreeningResult screen(PreparedFrame prepared, StageTimings timings) throws ModelException {
        return complete(prepared, segment(prepared, timings), null, timings);
    }

    /**
     * The frame ready for the models: with hair removal configured, a copy without hairs. The caller still owns
     * {@code frame} and closes the result before it.
     */
    public PreparedFrame prepare(Frame frame, StageTimings timings) {
        return new PreparedFrame(frame, removeHairsIfConfigured(frame, timings), null, false);
    }

    /** Decodes and prepares a file as the read-ahead does, the segmenter's input included. */
    private PreparedFrame prepareAhead(Path file, StageTimings timings) throws ImageException {
        Frame decoded = decoder.decode(file);
        timings.stop(StageTimings.DECODE);
        Frame screened = decoded;
        try {
            screened = removeHairsIfConfigured(decoded, timings);
            float[] input = segmenter.input(screened);
            timings.stop(StageTimings.PREPROCESS);
            return new PreparedFrame(decoded, screened, input, true);
        } catch (RuntimeException e) {
            new PreparedFrame(decoded, screened, null, true).close();
            throw e;
        }
    }

    private Frame removeHairsIfConfigured(Frame frame, StageTimings timings) {
        if (!hairRemoval) {
            return frame;
        }
        timings.start();
        Frame clean = HairRemoval.apply(frame);
        timings.stop(StageTimings.HAIR_REMOVAL);
        return clean;
    }

    /** The quality gate's verdict on a segmented frame. */
    public QualityReport assess(PreparedFrame prepared, Segmentation seg, StageTimings timings) {
        timings.start();
        QualityReport quality = gate.assess(prepared.screened(), seg);
        timings.stop(StageTimings.QUALITY);
        return quality;
    }

    /**
     * Classifies, measures and decides for a segmented frame, with the quality gate's verdict if already known
     * ({@code quality} null: the gate runs beside the classifier). The device never gives a probability without a
     * lesion in view: with an empty mask, or one the gate finds is no lesion, the result is RETAKE without one; so
     * it is for a crop the classifier's out-of-distribution check rejects.
     */
    public ScreeningResult complete(PreparedFrame prepared, Segmentation seg, QualityReport quality,
                                    StageTimings timings) throws ModelException {
        if (seg.mask().isEmpty() || quality != null && !quality.lesionPresent()) {
            return unclassified(prepared, seg, quality != null ? quality : assess(prepared, seg, timings), timings);
        }
        return classifyAndDecide(prepared.screened(), seg, quality, timings);
    }

    /** What the second thread finds while the classifier runs, and how long each part took there. */
    private record Beside(QualityReport quality, double qualityMs, LesionMeasurements measurements,
                          double measureMs) {
    }

    /**
     * Classifies on this thread while the second thread runs the quality gate (unless {@code knownQuality} is
     * given) and the measurements; returns only when both are done, since the caller closes the frame.
     */
    private ScreeningResult classifyAndDecide(Frame frame, Segmentation seg, QualityReport knownQuality,
                                              StageTimings timings) throws ModelException {
        timings.start();
        Future<Beside> beside = secondThread.submit(() -> {
            long t0 = System.nanoTime();
            QualityReport quality = knownQuality != null ? knownQuality : gate.assess(frame, seg);
            long t1 = System.nanoTime();
            LesionMeasurements measurements = measurer.measure(frame, seg.mask());
            return new Beside(quality, knownQuality != null ? 0 : (t1 - t0) / 1e6, measurements,
                    (System.nanoTime() - t1) / 1e6);
        });
        int[] region;
        Classifier.Output output;
        try {
            region = classifier.region(frame, seg.mask());
            output = classifier.classify(frame, region, seg.mask(), () -> timings.stop(StageTimings.PREPROCESS));
            timings.stop(StageTimings.CLASSIFY);
        } catch (ModelException | RuntimeException e) {
            try {
                awaitBeside(beside);
            } catch (RuntimeException besideFailure) {
                e.addSuppressed(besideFailure);
            }
            throw e;
        }
        Beside done = awaitBeside(beside);
        timings.stopWaiting();
        if (knownQuality == null) {
            timings.addBeside(StageTimings.QUALITY, done.qualityMs());
        }
        timings.addBeside(StageTimings.MEASURE, done.measureMs());
        if (!done.quality().lesionPresent()) {
            return retake(frame, seg, done.quality(), done.quality().reasons(), output.oodScore(), timings);
        }
        if (oodCheck && output.oodScore() > classifier.oodThreshold()) {
            List<String> reasons = new ArrayList<>();
            reasons.add(String.format(Locale.ROOT, "%s (out-of-distribution score %.1f, limit %.1f)", NOT_DERMOSCOPIC,
                    output.oodScore(), classifier.oodThreshold()));
            reasons.addAll(done.quality().reasons());
            return retake(frame, seg, done.quality(), reasons, output.oodScore(), timings);
        }
        RiskPolicy.Decision decision = policy.decide(output.melanomaProbability(), done.quality().reasons());
        return new ScreeningResult(frame.source(), decision.risk(), decision.reasons(), output.melanomaProbability(),
                policy.referralThreshold(), classProbabilities(output), done.measurements(), done.quality(),
                frame.width(), frame.height(), region, seg.mask(), output.oodScore(), timings.millis());
    }

    /** RETAKE without a probability: not classified, or classified but not to be trusted. */
    private ScreeningResult retake(Frame frame, Segmentation seg, QualityReport quality, List<String> reasons,
                                   double oodScore, StageTimings timings) {
        RiskPolicy.Decision decision = policy.decide(null, reasons);
        return new ScreeningResult(frame.source(), decision.risk(), decision.reasons(), null,
                policy.referralThreshold(), Map.of(), null, quality, frame.width(), frame.height(), null,
                seg.mask(), oodScore, timings.millis());
    }

    /** Waits for the second thread even when interrupted (its tasks take about a millisecond); keeps the interrupt. */
    static <T> T awaitBeside(Future<T> beside) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return beside.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** RETAKE for a frame that is not classified (no lesion, or not good enough), with the gate's reasons. */
    public ScreeningResult unclassified(PreparedFrame prepared, Segmentation seg, QualityReport quality,
                                       StageTimings timings) {
        return retake(prepared.screened(), seg, quality, quality.reasons(), Double.NaN, timings);
    }

    /**
     * What the segmenter found: the lesion mask at the model's resolution, the area (mask pixels) of the largest
     * other lesion-like component it dropped, and its mean confidence inside the mask (NaN when empty).
     */
    public record Segmentation(BinaryMask mask, int otherComponentArea, double confidence) {
    }

    /** Segments the prepared frame, with the segmenter's input made ahead or, if it was not, made now. */
    public Segmentation segment(PreparedFrame prepared, StageTimings timings) throws ModelException {
        timings.start();
        float[] logits = prepared.segmenterInput() != null ? segmenter.logits(prepared.segmenterInput())
                : segmenter.logits(prepared.screened(), () -> timings.stop(StageTimings.PREPROCESS));
        timings.stop(StageTimings.SEGMENT);
        MaskPostprocessor.Components components = segmenter.componentsFromLogits(logits);
        Segmentation seg = new Segmentation(components.mask(), components.droppedArea(),
                Segmenter.meanConfidence(logits, components.mask()));
        timings.stop(StageTimings.POSTPROCESS);
        return seg;
    }

    private Map<String, Float> classProbabilities(Classifier.Output output) {
        List<String> names = classifier.manifest().output().classNames();
        Map<String, Float> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), output.probabilities()[i]);
        }
        return out;
    }

    public Segmenter segmenter() {
        return segmenter;
    }

    public Classifier classifier() {
        return classifier;
    }

    public RiskPolicy policy() {
        return policy;
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    /** Ends the second thread; a screening in progress on another thread finishes first. */
    @Override
    public void close() {
        secondThread.shutdown();
        try {
            if (!secondThread.awaitTermination(5, TimeUnit.SECONDS)) {
                secondThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            secondThread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
