package org.melanoscreen.analysis;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.HairRemoval;
import org.melanoscreen.imaging.ImageDecoder;
import org.melanoscreen.imaging.ImageException;
import org.melanoscreen.model.Classifier;
import org.melanoscreen.model.Manifest;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import org.melanoscreen.model.Prediction;
import org.melanoscreen.model.Predictor;
import org.melanoscreen.model.Segmentation;
import org.melanoscreen.model.Segmenter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * From a frame to a risk result: segment, gate, classify, measure, decide. Its use cases: screen a frame
 * ({@link #screen}); gate a frame into a candidate ({@link #gate}) and classify the chosen candidates
 * ({@link #classify}) or turn one away ({@link #retake}), as a burst does; evaluate a frame ({@link #evaluate}); and
 * the models alone on one frame's inputs ({@link #modelsAlone}). While the classifier runs, a second thread runs the
 * quality gate and the measurements, which need only the frame and the mask; the same thread can prepare the next
 * file while this one is segmented ({@link #readAhead}). Close the pipeline to end that thread.
 */
public final class ScreeningPipeline implements AutoCloseable {
    static final String NOT_DERMOSCOPIC = "not a dermoscopic lesion image";
    private final ImageDecoder decoder = new ImageDecoder();
    private final Predictor<Frame, Segmenter.Output> segmenter;
    private final Predictor<Classifier.Input, Classifier.Output> classifier;
    private final Classifier classifierSteps;
    private final LesionMeasurer measurer;
    private final RiskPolicy policy;
    private final QualityGate gate;
    private final boolean hairRemoval;
    private final boolean oodCheck;
    private final SecondThread secondThread = new SecondThread();

    private ScreeningPipeline(Predictor<Frame, Segmenter.Output> segmenter,
                              Predictor<Classifier.Input, Classifier.Output> classifier, RiskPolicy policy,
                              ScreeningSettings settings) {
        this.segmenter = segmenter;
        this.classifier = classifier;
        this.classifierSteps = (Classifier) classifier.translator();
        this.measurer = new LesionMeasurer(settings.pixelPitchMm());
        this.policy = policy;
        this.gate = new QualityGate(settings.quality(), settings.lesion());
        this.oodCheck = settings.lesion().oodCheck();
        this.hairRemoval = settings.hairRemoval();
    }

    /**
     * The pipeline for a model set as every command and the service configure it: the referral threshold is the
     * classifier manifest's for the mode {@code settings} choose (with or without test-time views), and one the policy
     * refuses is a {@link ModelException} naming the manifest.
     */
    public static ScreeningPipeline create(ModelSet models, ScreeningSettings settings) throws ModelException {
        Predictor<Classifier.Input, Classifier.Output> classifier =
                Classifier.predictor(models.model(Manifest.Task.CLASSIFICATION), settings.tta());
        RiskPolicy policy = RiskPolicy.forClassifier((Classifier) classifier.translator());
        return new ScreeningPipeline(Segmenter.predictor(models.model(Manifest.Task.SEGMENTATION)), classifier,
                policy, settings);
    }

    /**
     * Decodes and prepares {@code files} one ahead on the second thread, for screening them in order; close it
     * before the pipeline.
     */
    public ReadAhead readAhead(List<Path> files) {
        return new ReadAhead(files, secondThread, this::prepareAhead);
    }

    /** Decodes and prepares one file on this thread (its decoding timed). */
    public PreparedFrame read(Path file) throws ImageException {
        StageTimings timings = new StageTimings();
        Frame decoded = decoder.decode(file);
        timings.stop(StageTimings.DECODE);
        try {
            return new PreparedFrame(decoded, removeHairsIfConfigured(decoded, timings), null, true, timings);
        } catch (RuntimeException e) {
            decoded.close();
            throw e;
        }
    }

    /**
     * The frame ready for the models: with hair removal configured, a copy without hairs. The caller still owns
     * {@code frame} and closes the result before it.
     */
    public PreparedFrame prepare(Frame frame) {
        StageTimings timings = new StageTimings();
        return new PreparedFrame(frame, removeHairsIfConfigured(frame, timings), null, false, timings);
    }

    /** Decodes and prepares a file as the read-ahead does, the segmenter's input included. */
    private PreparedFrame prepareAhead(Path file, StageTimings timings) throws ImageException {
        Frame decoded = decoder.decode(file);
        timings.stop(StageTimings.DECODE);
        Frame screened = decoded;
        try {
            screened = removeHairsIfConfigured(decoded, timings);
            float[] input = segmenter.prepare(screened);
            timings.stop(StageTimings.PREPROCESS);
            return new PreparedFrame(decoded, screened, input, true, timings);
        } catch (RuntimeException e) {
            new PreparedFrame(decoded, screened, null, true, timings).close();
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

    /** Screens a frame: hair removal if configured, segmentation, quality gate, classification, decision. */
    public ScreeningResult screen(Frame frame) throws ModelException {
        try (PreparedFrame prepared = prepare(frame)) {
            return screen(prepared);
        }
    }

    /** Screens a prepared frame (read ahead, or read): segmentation, quality gate, classification, decision. */
    public ScreeningResult screen(PreparedFrame frame) throws ModelException {
        return complete(frame, segment(frame), null);
    }

    /**
     * Segments a frame and runs the quality gate on it: a candidate for {@link #classify} or {@link #retake}. The
     * caller still owns {@code frame} and closes the candidate before it.
     */
    public Candidate gate(Frame frame) throws ModelException {
        PreparedFrame prepared = prepare(frame);
        try {
            Segmentation seg = segment(prepared);
            return new Candidate(prepared, seg, assess(prepared, seg));
        } catch (ModelException | RuntimeException e) {
            prepared.close();
            throw e;
        }
    }

    /** Classifies a gated candidate and decides; one the gate found no lesion in is RETAKE without a probability. */
    public ScreeningResult classify(Candidate candidate) throws ModelException {
        return complete(candidate.prepared(), candidate.segmentation(), candidate.quality());
    }

    /** RETAKE for a candidate that is not classified (no lesion, or not good enough), with the gate's reasons. */
    public ScreeningResult retake(Candidate candidate) {
        return retake(candidate.prepared(), candidate.segmentation(), candidate.quality(),
                candidate.quality().reasons(), Double.NaN);
    }

    /**
     * What the device decides for a frame, its mask, and the classifier's probability even where the device gives
     * none (no lesion in view, or out of distribution): on the region the mask gives, the whole frame for an empty
     * mask, as the recipe's evaluation scores every labelled image.
     */
    public Evaluation evaluate(PreparedFrame frame) throws ModelException {
        Segmentation seg = segment(frame);
        ScreeningResult device = complete(frame, seg, null);
        float probability = device.melanomaProbability() != null ? device.melanomaProbability()
                : classifier.predict(classifierInput(frame.screened(), seg.mask())).output().melanomaProbability();
        return new Evaluation(device, seg.mask(), probability);
    }

    /** One evaluated frame: the device's result, the segmenter's mask and the melanoma probability scored. */
    public record Evaluation(ScreeningResult device, BinaryMask mask, float probability) {
    }

    /**
     * Both models on a frame's inputs prepared once (the classifier's on the region its mask gives), to measure what
     * the pipeline cannot go below; close it to free the inputs.
     */
    public ModelsAlone modelsAlone(PreparedFrame frame) throws ModelException {
        BinaryMask mask = segmenter.predict(frame.screened()).output().segmentation().mask();
        Predictor<Frame, Segmenter.Output>.ModelAlone seg = segmenter.alone(frame.screened());
        try {
            return new ModelsAlone(seg, classifier.alone(classifierInput(frame.screened(), mask)));
        } catch (ModelException | RuntimeException e) {
            seg.close();
            throw e;
        }
    }

    /** The two model calls alone ({@link #modelsAlone}). */
    public record ModelsAlone(Predictor<Frame, Segmenter.Output>.ModelAlone segmenter,
                              Predictor<Classifier.Input, Classifier.Output>.ModelAlone classifier)
            implements AutoCloseable {
        @Override
        public void close() {
            segmenter.close();
            classifier.close();
        }
    }

    /** How many views the classifier runs in one call (its test-time views, or 1). */
    public int classifierViews() {
        return classifierSteps.batch();
    }

    private Classifier.Input classifierInput(Frame frame, BinaryMask mask) {
        return new Classifier.Input(frame, classifierSteps.region(frame, mask), mask);
    }

    /** The quality gate's verdict on a segmented frame. */
    private QualityReport assess(PreparedFrame frame, Segmentation seg) {
        StageTimings timings = frame.timings();
        timings.start();
        QualityReport quality = gate.assess(frame.screened(), seg);
        timings.stop(StageTimings.QUALITY);
        return quality;
    }

    /**
     * Classifies, measures and decides for a segmented frame, with the quality gate's verdict if already known
     * ({@code quality} null: the gate runs beside the classifier). The device never gives a probability without a
     * lesion in view: with an empty mask, or one the gate finds is no lesion, the result is RETAKE without one; so
     * it is for a crop the classifier's out-of-distribution check rejects.
     */
    private ScreeningResult complete(PreparedFrame frame, Segmentation seg, QualityReport quality)
            throws ModelException {
        if (seg.mask().isEmpty() || quality != null && !quality.lesionPresent()) {
            QualityReport known = quality != null ? quality : assess(frame, seg);
            return retake(frame, seg, known, known.reasons(), Double.NaN);
        }
        return classifyAndDecide(frame, seg, quality);
    }

    /** What the second thread finds while the classifier runs, and how long each part took there. */
    private record Beside(QualityReport quality, double qualityMs, LesionMeasurements measurements,
                          double measureMs) {
    }

    /**
     * Classifies on this thread while the second thread runs the quality gate (unless {@code knownQuality} is
     * given) and the measurements; returns only when both are done, since the caller closes the frame.
     */
    private ScreeningResult classifyAndDecide(PreparedFrame prepared, Segmentation seg, QualityReport knownQuality)
            throws ModelException {
        Frame frame = prepared.screened();
        StageTimings timings = prepared.timings();
        timings.start();
        Future<Beside> beside = secondThread.submit(() -> {
            long t0 = System.nanoTime();
            QualityReport quality = knownQuality != null ? knownQuality : gate.assess(frame, seg);
            long t1 = System.nanoTime();
            LesionMeasurements measurements = measurer.measure(frame, seg.mask());
            return new Beside(quality, knownQuality != null ? 0 : (t1 - t0) / 1e6, measurements,
                    (System.nanoTime() - t1) / 1e6);
        });
        Classifier.Input input;
        Classifier.Output output;
        try {
            input = classifierInput(frame, seg.mask());
            Prediction<Classifier.Output> call = classifier.predict(input);
            timings.stop(call, StageTimings.PREPROCESS, StageTimings.CLASSIFY, StageTimings.CLASSIFY);
            output = call.output();
        } catch (ModelException | RuntimeException e) {
            try {
                SecondThread.await(beside);
            } catch (RuntimeException besideFailure) {
                e.addSuppressed(besideFailure);
            }
            throw e;
        }
        Beside done = SecondThread.await(beside);
        timings.stopWaiting();
        if (knownQuality == null) {
            timings.addBeside(StageTimings.QUALITY, done.qualityMs());
        }
        timings.addBeside(StageTimings.MEASURE, done.measureMs());
        if (!done.quality().lesionPresent()) {
            return retake(prepared, seg, done.quality(), done.quality().reasons(), output.oodScore());
        }
        if (oodCheck && output.oodScore() > classifierSteps.oodThreshold()) {
            List<String> reasons = new ArrayList<>();
            reasons.add(String.format(Locale.ROOT, "%s (out-of-distribution score %.1f, limit %.1f)", NOT_DERMOSCOPIC,
                    output.oodScore(), classifierSteps.oodThreshold()));
            reasons.addAll(done.quality().reasons());
            return retake(prepared, seg, done.quality(), reasons, output.oodScore());
        }
        RiskPolicy.Decision decision = policy.decide(output.melanomaProbability(), done.quality().reasons());
        return new ScreeningResult(frame.source(), decision.risk(), decision.reasons(), output.melanomaProbability(),
                policy.referralThreshold(), classProbabilities(output), done.measurements(), done.quality(),
                frame.width(), frame.height(), input.region(), seg.mask(), output.oodScore(), timings.millis());
    }

    /** RETAKE without a probability: not classified, or classified but not to be trusted. */
    private ScreeningResult retake(PreparedFrame prepared, Segmentation seg, QualityReport quality,
                                   List<String> reasons, double oodScore) {
        Frame frame = prepared.screened();
        RiskPolicy.Decision decision = policy.decide(null, reasons);
        return new ScreeningResult(frame.source(), decision.risk(), decision.reasons(), null,
                policy.referralThreshold(), Map.of(), null, quality, frame.width(), frame.height(), null,
                seg.mask(), oodScore, prepared.timings().millis());
    }

    /** Segments the prepared frame, with the segmenter's input made ahead or, if it was not, made now. */
    private Segmentation segment(PreparedFrame frame) throws ModelException {
        StageTimings timings = frame.timings();
        timings.start();
        Prediction<Segmenter.Output> call = frame.segmenterInput() != null
                ? segmenter.predictPrepared(frame.segmenterInput()) : segmenter.predict(frame.screened());
        timings.stop(call, StageTimings.PREPROCESS, StageTimings.SEGMENT, StageTimings.POSTPROCESS);
        return call.output().segmentation();
    }

    private Map<String, Float> classProbabilities(Classifier.Output output) {
        List<String> names = classifierSteps.manifest().output().classNames();
        Map<String, Float> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), output.probabilities()[i]);
        }
        return out;
    }

    public RiskPolicy policy() {
        return policy;
    }

    /** Ends the second thread; a screening in progress on another thread finishes first. */
    @Override
    public void close() {
        secondThread.close();
    }
}
