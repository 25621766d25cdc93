package org.melanoscreen.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Combines the screenings of the best frames of one capture burst into one result: the median melanoma
 * probability decides, reported with the frame whose probability is nearest to it. A single odd frame can
 * neither raise nor hide a referral.
 */
public final class BurstCombiner {
    private BurstCombiner() {
    }

    /** @param screened results of the frames that passed the quality gate, at least one */
    public static ScreeningResult combine(List<ScreeningResult> screened, RiskPolicy policy) {
        if (screened.isEmpty()) {
            throw new IllegalArgumentException("nothing to combine");
        }
        List<ScreeningResult> classified = screened.stream().filter(r -> r.melanomaProbability() != null).toList();
        if (classified.isEmpty()) {
            return screened.get(0);
        }
        float median = median(classified.stream().map(ScreeningResult::melanomaProbability).toList());
        ScreeningResult nearest = classified.stream()
                .min(Comparator.comparingDouble(r -> Math.abs(r.melanomaProbability() - median))).orElseThrow();
        RiskPolicy.Decision decision = policy.decide(median, nearest.quality().reasons());
        return new ScreeningResult(nearest.source(), decision.risk(), decision.reasons(), median,
                nearest.referralThreshold(), nearest.classProbabilities(), nearest.measurements(), nearest.quality(),
                nearest.frameWidth(), nearest.frameHeight(), nearest.region(), nearest.mask(), nearest.timingsMs());
    }

    /**
     * The result when no frame of a burst passed the quality gate: RETAKE with the commonest reasons, reported
     * with the frame that came closest (the given one).
     */
    public static ScreeningResult noUsableFrame(ScreeningResult closest, List<QualityReport> rejected) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (QualityReport q : rejected) {
            for (String reason : q.reasons()) {
                counts.merge(reason.replaceAll(" \\(.*\\)$", ""), 1, Integer::sum);
            }
        }
        List<String> reasons = new ArrayList<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(3)
                .forEach(e -> reasons.add(e.getKey() + " (" + e.getValue() + " of " + rejected.size() + " frames)"));
        return new ScreeningResult(closest.source(), Risk.RETAKE, List.copyOf(reasons), null,
                closest.referralThreshold(), Map.of(), null, closest.quality(), closest.frameWidth(),
                closest.frameHeight(), null, closest.mask(), closest.timingsMs());
    }

    static float median(List<Float> values) {
        List<Float> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
