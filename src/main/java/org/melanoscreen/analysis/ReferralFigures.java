package org.melanoscreen.analysis;

import java.util.Locale;

/**
 * The melanoma probability and the referral threshold as printed side by side (display, overlay): with as many
 * decimals as it takes to tell them apart, so that a LOW never reads "p=0.15 refer>=0.15". A probability still
 * equal to the threshold at {@value #MAX_DIGITS} decimals but below it reads "p<" the threshold.
 *
 * @param probability "p=0.1456", or "p<0.146" where the decimals cannot show the difference
 * @param threshold   the threshold without trailing zeros beyond two decimals ("0.146", "0.30")
 */
public record ReferralFigures(String probability, String threshold) {
    private static final int MIN_DIGITS = 2;
    static final int MAX_DIGITS = 4;
    private static final int DISPLAY_CHARS = 21;

    /** As {@link RiskPolicy} compares them: REFER when {@code probability >= threshold}. */
    public static ReferralFigures of(double probability, double threshold) {
        for (int digits = MIN_DIGITS; digits <= MAX_DIGITS; digits++) {
            String p = decimals(probability, digits);
            String t = decimals(threshold, digits);
            if (probability >= threshold || !p.equals(t)) {
                return new ReferralFigures("p=" + p, trim(t));
            }
        }
        return new ReferralFigures("p<" + trim(decimals(threshold, MAX_DIGITS)),
                trim(decimals(threshold, MAX_DIGITS)));
    }

    /** For a 21-character display line: "p=0.1456 refer>=0.146", "p=0.1107 ref>=0.1113". */
    public String compact() {
        String line = probability + " refer>=" + threshold;
        return line.length() <= DISPLAY_CHARS ? line : probability + " ref>=" + threshold;
    }

    /** For the overlay and reports: "p=0.1456 (refer at >= 0.146)". */
    public String sentence() {
        return probability + " (refer at >= " + threshold + ")";
    }

    private static String decimals(double value, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }

    private static String trim(String number) {
        String s = number;
        while (s.endsWith("0") && s.length() - s.indexOf('.') - 1 > MIN_DIGITS) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
