package org.melanoscreen.settings;

import java.util.Locale;

/**
 * The values a numeric setting may take, from {@code min} to {@code max}, each end included or not. The record
 * that owns a setting declares its range once; the record, the configuration file and the command line all
 * check against it.
 */
public record Range(double min, boolean minIncluded, double max, boolean maxIncluded) {

    public Range {
        if (!(min <= max)) {
            throw new IllegalArgumentException("range " + min + ".." + max + " is empty");
        }
    }

    /** min <= value <= max. */
    public static Range closed(double min, double max) {
        return new Range(min, true, max, true);
    }

    /** min < value <= max. */
    public static Range aboveUpTo(double min, double max) {
        return new Range(min, false, max, true);
    }

    /** min < value < max. */
    public static Range between(double min, double max) {
        return new Range(min, false, max, false);
    }

    public boolean contains(double value) {
        return (minIncluded ? value >= min : value > min) && (maxIncluded ? value <= max : value < max);
    }

    /** As a person reads it: "from 0 to 64", "above 0 and at most 1", "above 0 and below 1". */
    public String describe() {
        return (minIncluded ? "from " : "above ") + format(min) + (minIncluded && maxIncluded ? " to " : " and ")
                + (maxIncluded ? (minIncluded ? "" : "at most ") : "below ") + format(max);
    }

    /** {@code value}, or an {@link IllegalArgumentException} naming the setting, its value and this range. */
    public double check(String name, double value) {
        if (!contains(value)) {
            throw new IllegalArgumentException(name + " is " + format(value) + "; it must be " + describe());
        }
        return value;
    }

    /** {@link #check(String, double)} for a whole number. */
    public int check(String name, int value) {
        check(name, (double) value);
        return value;
    }

    /** A number as a person writes it: 64, 0.25. */
    public static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
