package org.melanoscreen.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides REFER / LOW / RETAKE. REFER whenever the melanoma probability reaches the referral threshold;
 * LOW only when it is below AND the lesion was found cleanly; everything else is RETAKE with reasons.
 */
public final class RiskPolicy {
    private final double referralThreshold;

    public record Decision(Risk risk, List<String> reasons) {
    }

    public RiskPolicy(double referralThreshold) {
        if (!(referralThreshold > 0 && referralThreshold <= 1)) {
            throw new IllegalArgumentException("referral threshold must be in (0, 1], was " + referralThreshold);
        }
        this.referralThreshold = referralThreshold;
    }

    /**
     * @param melanomaProbability null when the classifier did not run or failed
     * @param doubts              lesion and image-quality doubts gathered so far
     */
    public Decision decide(Float melanomaProbability, List<String> doubts) {
        List<String> reasons = new ArrayList<>(doubts);
        if (melanomaProbability == null || !Float.isFinite(melanomaProbability)) {
            if (reasons.isEmpty()) {
                reasons.add("no melanoma probability");
            }
            return new Decision(Risk.RETAKE, List.copyOf(reasons));
        }
        if (melanomaProbability >= referralThreshold) {
            return new Decision(Risk.REFER, List.copyOf(reasons));
        }
        return new Decision(reasons.isEmpty() ? Risk.LOW : Risk.RETAKE, List.copyOf(reasons));
    }

    public double referralThreshold() {
        return referralThreshold;
    }
}
