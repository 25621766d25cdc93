package org.melanoscreen.app;

import org.melanoscreen.analysis.LesionMeasurements;
import org.melanoscreen.analysis.ScreeningResult;
import org.melanoscreen.analysis.StageTimings;

import java.nio.file.Path;
import java.util.Locale;

/** The human-readable table of screening results. */
final class TableFormat {
    private static final String FORMAT = "%-28s %-6s %7s %9s %9s %5s %8s  %s";

    private TableFormat() {
    }

    static String header() {
        return String.format(Locale.ROOT, FORMAT, "image", "risk", "p(mel)", "diam", "area", "TDS~", "ms", "reasons");
    }

    static String row(ScreeningResult r) {
        LesionMeasurements m = r.measurements();
        String diameter = m == null ? "-" : m.diameterMm() != null
                ? String.format(Locale.ROOT, "%.1fmm", m.diameterMm())
                : String.format(Locale.ROOT, "%.0fpx", m.diameterPx());
        String area = m == null ? "-" : m.areaMm2() != null
                ? String.format(Locale.ROOT, "%.1fmm2", m.areaMm2())
                : String.format(Locale.ROOT, "%.0fpx", m.areaPx());
        String name = Path.of(r.source()).getFileName().toString();
        if (name.length() > 28) {
            name = "..." + name.substring(name.length() - 25);
        }
        return String.format(Locale.ROOT, FORMAT, name, r.risk(),
                r.melanomaProbability() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.melanomaProbability()),
                diameter, area, m == null ? "-" : String.format(Locale.ROOT, "%.1f", m.tdsApproximate()),
                String.format(Locale.ROOT, "%.1f", r.timingsMs().get(StageTimings.TOTAL)),
                String.join("; ", r.reasons()));
    }
}
