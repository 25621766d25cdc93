package org.melanoscreen.settings;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Configuration values by key name, read as the types their keys declare. The values are those the configuration
 * checked against their {@link Key}s; a settings record builds itself from them ({@code from(Values)}) and checks
 * only the relations between its keys.
 */
public final class Values {
    private final Map<String, String> values;

    private Values(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Values of(Map<String, String> values) {
        return new Values(values);
    }

    /** Every one of {@code keys} at its default. */
    public static Values defaults(List<Key> keys) {
        Map<String, String> v = new HashMap<>();
        keys.forEach(k -> v.put(k.name(), k.defaultValue()));
        return new Values(v);
    }

    /** Every value by key name, for an owner that parses a map itself. */
    public Map<String, String> asMap() {
        return values;
    }

    public String text(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no configuration key " + key);
        }
        return v;
    }

    public int integer(String key) {
        return Integer.parseInt(text(key));
    }

    public double number(String key) {
        return Double.parseDouble(text(key));
    }

    /** Null when the key is empty. */
    public Double optionalNumber(String key) {
        String v = text(key);
        return v.isEmpty() ? null : Double.valueOf(v);
    }

    public boolean bool(String key) {
        return Boolean.parseBoolean(text(key));
    }

    /** The constant of {@code type} whose name, in lower case, is the key's value. */
    public <E extends Enum<E>> E choice(String key, Class<E> type) {
        return Enum.valueOf(type, text(key).toUpperCase(Locale.ROOT));
    }

    /** An {@link IllegalArgumentException} "low must be below high" unless the key {@code low} is below {@code high}. */
    public void requireBelow(String low, String high) {
        if (number(low) >= number(high)) {
            throw new IllegalArgumentException(low + " must be below " + high);
        }
    }
}
