package org.melanoscreen.analysis;

import org.melanoscreen.json.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/** The JSON form of results and errors shared by every command ({@code --json}: one object per line). */
public final class ResultJson {
    private ResultJson() {
    }

    public static ObjectNode result(ScreeningResult r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("source", r.source());
        o.put("status", "ok");
        o.put("risk", r.risk().name());
        ArrayNode reasons = o.putArray("reasons");
        r.reasons().forEach(reasons::add);
        if (r.melanomaProbability() == null) {
            o.putNull("melanoma_probability");
        } else {
            o.put("melanoma_probability", Json.round(r.melanomaProbability(), 6));
        }
        o.put("referral_threshold", Json.round(r.referralThreshold(), 6));
        ObjectNode classes = o.putObject("class_probabilities");
        r.classProbabilities().forEach((k, v) -> classes.put(k, Json.round(v, 6)));
        o.put("width", r.frameWidth());
        o.put("height", r.frameHeight());
        if (r.region() == null) {
            o.putNull("region");
        } else {
            ArrayNode region = o.putArray("region");
            for (int v : r.region()) {
                region.add(v);
            }
        }
        if (r.measurements() == null) {
            o.putNull("measurements");
        } else {
            o.set("measurements", measurements(r.measurements()));
        }
        putNullable(o, "ood_score", r.oodScore(), 3);
        o.set("quality", quality(r.quality()));
        ObjectNode timings = o.putObject("timings_ms");
        for (Map.Entry<String, Double> e : r.timingsMs().entrySet()) {
            timings.put(e.getKey(), Json.round(e.getValue(), 3));
        }
        return o;
    }

    /**
     * {@code result} with the capture burst it came from: frames taken, frames that passed the quality gate and the
     * melanoma probability of every frame screened (null for a frame given none).
     */
    public static ObjectNode withBurst(ObjectNode result, int taken, int passed, List<Float> probabilities) {
        ObjectNode burst = result.putObject("burst");
        burst.put("frames_taken", taken);
        burst.put("frames_passed", passed);
        ArrayNode screened = burst.putArray("screened_probabilities");
        for (Float p : probabilities) {
            if (p == null) {
                screened.addNull();
            } else {
                screened.add(Json.round(p, 6));
            }
        }
        return result;
    }

    public static ObjectNode measurements(LesionMeasurements m) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("area_px", Json.round(m.areaPx(), 1));
        putNullable(o, "area_mm2", m.areaMm2(), 3);
        o.put("diameter_px", Json.round(m.diameterPx(), 2));
        putNullable(o, "diameter_mm", m.diameterMm(), 3);
        ArrayNode asym = o.putArray("asymmetry_per_axis");
        for (double a : m.asymmetryPerAxis()) {
            asym.add(Json.round(a, 4));
        }
        o.put("compactness", Json.round(m.compactness(), 4));
        ArrayNode colours = o.putArray("colours");
        m.colours().forEach(c -> colours.add(c.label()));
        ObjectNode abcd = o.putObject("abcd_approximate");
        abcd.put("asymmetry", m.asymmetryScore());
        abcd.put("border", m.borderScore());
        abcd.put("colours", m.colours().size());
        abcd.put("differential_structures_assumed", LesionMeasurements.DIFFERENTIAL_STRUCTURES_ASSUMED);
        abcd.put("tds", Json.round(m.tdsApproximate(), 2));
        abcd.put("note", "approximate secondary indicator, not a diagnosis; structures not assessed");
        return o;
    }

    public static ObjectNode quality(QualityReport q) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("passed", q.passed());
        ArrayNode reasons = o.putArray("reasons");
        q.reasons().forEach(reasons::add);
        putNullable(o, "sharpness", q.sharpness(), 4);
        o.put("clipped_high", Json.round(q.clippedHigh(), 4));
        o.put("clipped_low", Json.round(q.clippedLow(), 4));
        o.put("mean_luma", Json.round(q.meanLuma(), 1));
        o.put("colour_cast", Json.round(q.colourCast(), 4));
        putNullable(o, "centre_offset", q.centreOffset(), 4);
        o.put("lesion_area_fraction", Json.round(q.lesionAreaFraction(), 4));
        LesionFindings lesion = q.lesion();
        ObjectNode l = o.putObject("lesion");
        l.put("present", lesion.present());
        putNullable(l, "segmenter_confidence", lesion.confidence(), 4);
        putNullable(l, "contrast_delta_e", lesion.contrast(), 2);
        putNullable(l, "texture", lesion.texture(), 2);
        l.put("second_lesion_share", Json.round(lesion.otherShare(), 4));
        putNullable(l, "border_distance_px", lesion.borderPx(), 1);
        putNullable(l, "flat_share", lesion.flatShare(), 4);
        return o;
    }

    public static ObjectNode error(String source, String message) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("source", source);
        o.put("status", "error");
        o.put("error", message);
        return o;
    }

    private static void putNullable(ObjectNode o, String key, Double v, int digits) {
        if (v == null || v.isNaN()) {
            o.putNull(key);
        } else {
            o.put(key, Json.round(v, digits));
        }
    }
}
