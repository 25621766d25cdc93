package org.melanoscreen.json;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one Jackson mapper every schema is read and written with (thread-safe once configured, as here). */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** {@code v} rounded to {@code digits} decimals, as every schema writes its figures; non-finite as it is. */
    public static double round(double v, int digits) {
        if (!Double.isFinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
