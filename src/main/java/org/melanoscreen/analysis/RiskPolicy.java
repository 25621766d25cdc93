package org.melanoscreen.analysis;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.settings.Range;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides REFER / LOW / RETAKE. REFER whenever the melanoma probability reaches the referral threshold;
 * LOW only when it is below AND the lesion was found cleanly; everything else is RETAKE with reasons.
 */
public final class RiskPolicy {
    private final double referralThreshold;
    private final double minAreaFraction;
    private final double maxAreaFraction;

    public record Decision(Risk risk, List<String> reasons) {
    }

    /** The smallest and the largest lesion that can be LOW, as shares of the image. */
    public static final Range LESION_AREA = Range.closed(0, 1);

    public RiskPolicy(double referralThreshold, double minAreaFraction, double maxAreaFraction) {
        if (!(referralThreshold > 0 && referralThreshold <= 1)) {
            throw new IllegalArgumentException("referral threshold must be in (0, 1], was " + referralThreshold);
        }
        LESION_AREA.check("smallest lesion area", minAreaFraction);
        LESION_AREA.check("largest lesion area", maxAreaFraction);
        if (minAreaFraction >= maxAreaFraction) {
            throw new IllegalArgumentException("the smallest lesion area must be below the largest");
        }
        this.referralThreshold = referralThreshold;
        this.minAreaFraction = minAreaFraction;
        this.maxAreaFraction = maxAreaFraction;
    }

    /** Reasons why the segmented lesion cannot support a LOW result; empty when it was found cleanly. */
    public List<String> lesionDoubts(BinaryMask mask) {
        List<String> doubts = new ArrayList<>();
        if (mask.isEmpty()) {
            doubts.add("no lesion found");
            return doubts;
        }
        double fraction = (double) mask.area() / (mask.width() * mask.height());
        if (mask.touchesBorder()) {
            doubts.add("lesion touches the image border");
        }
        if (fraction < minAreaFraction) {
            doubts.add(String.format(java.util.Locale.ROOT, "lesion too small (%.1f%% of the image, minimum %.1f%%)",
                    100 * fraction, 100 * minAreaFraction));
        }
        if (fraction > maxAreaFraction) {
            doubts.add(String.format(java.util.Locale.ROOT, "lesion too large (%.1f%% of the image, maximum %.1f%%)",
                    100 * fraction, 100 * maxAreaFraction));
        }
        return doubts;
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
