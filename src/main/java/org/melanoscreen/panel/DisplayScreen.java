package org.melanoscreen.panel;

import org.melanoscreen.analysis.ReferralFigures;
import org.melanoscreen.analysis.Risk;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the status display shows; {@link ScreenRenderer} draws it, {@link #lines()} says it in words. */
public sealed interface DisplayScreen {

    /** A short name for file names and logs. */
    String name();

    /** The screen's text, top to bottom, for a console. */
    List<String> lines();

    /** The self-test's pattern: a frame around the edge and a checkerboard, so dead pixels and rows show. */
    record TestPattern() implements DisplayScreen {
        public String name() {
            return "test-pattern";
        }

        public List<String> lines() {
            return List.of("display test pattern");
        }
    }

    /** Waiting for a capture. */
    record Ready(String deviceId, String models) implements DisplayScreen {
        public String name() {
            return "ready";
        }

        public List<String> lines() {
            return List.of("READY", "press to capture", "device " + deviceId, "models " + models);
        }
    }

    /** Working; {@code step} of {@code steps} done (the appliance reports steps, not percentages). */
    record Busy(String title, String detail, int step, int steps) implements DisplayScreen {
        public Busy {
            if (steps < 1 || step < 0 || step > steps) {
                throw new IllegalArgumentException("need 0 <= step <= steps, 1 <= steps; got " + step + "/" + steps);
            }
        }

        public String name() {
            return "busy";
        }

        public List<String> lines() {
            return List.of(title, detail, "step " + step + " of " + steps);
        }
    }

    /**
     * A screening result.
     *
     * @param probability melanoma probability, null when the classifier did not run
     * @param diameter    the lesion's diameter in words ("6.2 mm", "210 px"), null when no lesion was found
     */
    record Result(Risk risk, Float probability, double threshold, String diameter) implements DisplayScreen {
        /** The probability and threshold as printed; only where there is a probability. */
        public ReferralFigures figures() {
            return ReferralFigures.of(probability, threshold);
        }

        public String name() {
            return "result-" + risk.name().toLowerCase(Locale.ROOT);
        }

        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            lines.add(risk.name());
            lines.add(probability == null ? "no probability" : figures().compact());
            if (diameter != null) {
                lines.add("diameter " + diameter);
            }
            return lines;
        }
    }

    /** RETAKE, with why. */
    record Retake(List<String> reasons) implements DisplayScreen {
        public Retake {
            reasons = List.copyOf(reasons);
        }

        public String name() {
            return "retake";
        }

        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            lines.add("RETAKE");
            lines.addAll(reasons);
            return lines;
        }
    }

    /** Cannot screen: what is wrong and what to do. */
    record Fault(String label, String action) implements DisplayScreen {
        public String name() {
            return "fault";
        }

        public List<String> lines() {
            return List.of("FAULT", label, action);
        }
    }
}
