package org.melanoscreen.settings;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A configuration key as its settings record declares it: name, default ("" = unset), what values it takes and a
 * one-line help. The record that owns a key declares it once, in its {@code KEYS}; the configuration file, the
 * command-line overrides and the generated {@code device/melanoscreen.conf} all read it from there.
 *
 * @param range   for a number, the values its owner allows; null otherwise
 * @param choices for a choice, the words it takes; empty otherwise
 */
public record Key(String name, String defaultValue, Kind kind, Range range, List<String> choices, String help) {

    public enum Kind {
        TEXT, INTEGER, NUMBER, OPTIONAL_NUMBER, BOOLEAN, CHOICE,
        /** Checked by its owner's parse alone (relations between its keys, hex numbers, terms). */
        OWNED
    }

    public Key {
        choices = List.copyOf(choices);
    }

    public static Key text(String name, String defaultValue, String help) {
        return new Key(name, defaultValue, Kind.TEXT, null, List.of(), help);
    }

    public static Key integer(String name, int defaultValue, Range range, String help) {
        return new Key(name, Integer.toString(range.check(name, defaultValue)), Kind.INTEGER, range, List.of(), help);
    }

    public static Key number(String name, double defaultValue, Range range, String help) {
        return new Key(name, Range.format(range.check(name, defaultValue)), Kind.NUMBER, range, List.of(), help);
    }

    /** A number that may be left empty (unset), as it is by default. */
    public static Key optionalNumber(String name, Range range, String help) {
        return new Key(name, "", Kind.OPTIONAL_NUMBER, range, List.of(), help);
    }

    public static Key bool(String name, boolean defaultValue, String help) {
        return new Key(name, Boolean.toString(defaultValue), Kind.BOOLEAN, null, List.of(), help);
    }

    public static Key choice(String name, String defaultValue, List<String> choices, String help) {
        if (!choices.contains(defaultValue)) {
            throw new IllegalArgumentException(name + ": default '" + defaultValue + "' is not one of " + choices);
        }
        return new Key(name, defaultValue, Kind.CHOICE, null, choices, help);
    }

    /** A key whose values only its owner's parse can check (it reports a bad one by this name). */
    public static Key owned(String name, String defaultValue, String help) {
        return new Key(name, defaultValue, Kind.OWNED, null, List.of(), help);
    }

    /** {@code keys}' values from {@code values}, trimmed, their defaults where missing (other keys are left out). */
    public static Map<String, String> withDefaults(List<Key> keys, Map<String, String> values) {
        Map<String, String> v = new HashMap<>();
        keys.forEach(k -> v.put(k.name(), values.getOrDefault(k.name(), k.defaultValue()).trim()));
        return v;
    }

    /**
     * This key's value in {@code values} (as {@link #withDefaults} gives them) for its owner's parse, or an
     * {@link IllegalArgumentException} naming the key, the value and what it must be, worded as the configuration
     * file's own check words it.
     */
    public String checked(Map<String, String> values) {
        String value = values.get(name);
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(name + " = '" + value + "' " + problem);
        }
        return value;
    }

    /** Null when this key takes {@code value}, else what it must be ("must be true or false"). */
    public String problem(String value) {
        return switch (kind) {
            case TEXT, OWNED -> null;
            case INTEGER -> !value.matches("-?\\d{1,9}") ? "must be a whole number " + range.describe()
                    : inRange(value);
            case NUMBER -> !isNumber(value) ? "must be a number " + range.describe() : inRange(value);
            case OPTIONAL_NUMBER -> value.isEmpty() ? null : !isNumber(value)
                    ? "must be empty or a number " + range.describe() : inRange(value);
            case BOOLEAN -> value.equals("true") || value.equals("false") ? null : "must be true or false";
            case CHOICE -> choices.contains(value) ? null : "must be " + String.join(", ",
                    choices.subList(0, choices.size() - 1)) + " or " + choices.get(choices.size() - 1);
        };
    }

    /** The help as the configuration file documents it, with the range where there is one. */
    public String documentation() {
        return help + (range == null ? "" : " Range: " + range.describe() + ".");
    }

    private String inRange(String value) {
        return range.contains(Double.parseDouble(value)) ? null : "is out of range: it must be " + range.describe();
    }

    private static boolean isNumber(String value) {
        try {
            return Double.isFinite(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
