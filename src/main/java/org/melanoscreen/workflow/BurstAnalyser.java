package org.melanoscreen.workflow;

import org.melanoscreen.analysis.BurstCombiner;
import org.melanoscreen.analysis.PreparedFrame;
import org.melanoscreen.analysis.QualityReport;
import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.analysis.ScreeningResult;
import org.melanoscreen.analysis.StageTimings;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.model.ModelException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One capture's burst through the pipeline: every frame gated, the sharpest that passed screened (at most
 * {@code screenBest}) and combined by the burst rule ({@link BurstCombiner}); when none passed, RETAKE with every
 * frame's reasons.
 */
final class BurstAnalyser {
    private record Candidate(int index, PreparedFrame prepared, ScreeningPipeline.Segmentation segmentation,
                             QualityReport quality, StageTimings timings) {
    }

    private static final Comparator<Candidate> SHARPEST_FIRST = Comparator.comparingDouble(
            (Candidate c) -> Double.isNaN(c.quality().sharpness()) ? -1 : c.quality().sharpness()).reversed();

    private BurstAnalyser() {
    }

    /**
     * The burst's outcome, or null when {@code cancelled} turned true during the analysis; {@code progressed} runs
     * after each frame's step (for the watchdog).
     */
    static BurstOutcome analyse(ScreeningPipeline pipeline, List<Frame> frames, int screenBest,
                                BooleanSupplier cancelled, Runnable progressed) throws ModelException {
        List<Candidate> candidates = new ArrayList<>();
        try {
            for (int i = 0; i < frames.size(); i++) {
                if (cancelled.getAsBoolean()) {
                    return null;
                }
                candidates.add(gate(pipeline, i, frames.get(i)));
                progressed.run();
            }
            return decide(pipeline, frames.size(), candidates, screenBest, progressed);
        } finally {
            candidates.forEach(c -> c.prepared().close());
        }
    }

    private static Candidate gate(ScreeningPipeline pipeline, int index, Frame frame) throws ModelException {
        StageTimings timings = new StageTimings();
        PreparedFrame prepared = pipeline.prepare(frame, timings);
        try {
            ScreeningPipeline.Segmentation seg = pipeline.segment(prepared, timings);
            return new Candidate(index, prepared, seg, pipeline.assess(prepared, seg, timings), timings);
        } catch (ModelException | RuntimeException e) {
            prepared.close();
            throw e;
        }
    }

    private static BurstOutcome decide(ScreeningPipeline pipeline, int taken, List<Candidate> candidates,
                                       int screenBest, Runnable progressed) throws ModelException {
        List<Candidate> passed = candidates.stream().filter(c -> c.quality().passed()).sorted(SHARPEST_FIRST).toList();
        if (passed.isEmpty()) {
            Candidate closest = candidates.stream().sorted(SHARPEST_FIRST).findFirst().orElseThrow();
            ScreeningResult result = BurstCombiner.noUsableFrame(pipeline.unclassified(closest.prepared(),
                    closest.segmentation(), closest.quality(), closest.timings()),
                    candidates.stream().map(Candidate::quality).toList());
            return new BurstOutcome(result, closest.index(), taken, 0, List.of());
        }
        List<Candidate> best = passed.subList(0, Math.min(screenBest, passed.size()));
        List<ScreeningResult> results = new ArrayList<>();
        for (Candidate c : best) {
            results.add(pipeline.complete(c.prepared(), c.segmentation(), c.quality(), c.timings()));
            progressed.run();
        }
        BurstCombiner.Combined combined = BurstCombiner.combine(results, pipeline.policy());
        return new BurstOutcome(combined.result(), best.get(combined.shown()).index(), taken, passed.size(),
                combined.probabilities());
    }
}
