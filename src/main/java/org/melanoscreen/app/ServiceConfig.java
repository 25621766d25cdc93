package org.melanoscreen.app;

import org.melanoscreen.analysis.LesionSettings;
import org.melanoscreen.analysis.QualitySettings;
import org.melanoscreen.analysis.ScreeningSettings;
import org.melanoscreen.capture.SourceFactory;
import org.melanoscreen.panel.HardwareSettings;
import org.melanoscreen.export.dicom.DicomSettings;
import org.melanoscreen.export.dicomweb.PacsSettings;
import org.melanoscreen.export.fhir.FhirSettings;
import org.melanoscreen.fleet.MqttSettings;
import org.melanoscreen.model.SessionSettings;
import org.melanoscreen.outbox.OutboxSettings;
import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Values;
import org.melanoscreen.store.StoreSettings;
import org.melanoscreen.workflow.ApplianceSettings;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The service's configuration: built-in defaults, then one properties file, then command-line overrides. The keys
 * are those the settings records declare ({@link #KEYS} joins their lists); every key is known and checked at start
 * against its declaration, then each record parses its own keys (relations between them included); a bad key or
 * value stops the service with a message naming it. This class knows no key by itself.
 */
public final class ServiceConfig {
    /** Every key, in the order the configuration file documents them. */
    static final List<Key> KEYS = Stream.of(ServiceSettings.KEYS, SessionSettings.KEYS, SourceFactory.KEYS,
                    ScreeningSettings.KEYS, ApplianceSettings.KEYS, QualitySettings.KEYS, LesionSettings.KEYS,
                    StoreSettings.KEYS, ControlSettings.KEYS, HardwareSettings.KEYS, DicomSettings.KEYS,
                    OutboxSettings.KEYS, PacsSettings.KEYS, FhirSettings.KEYS, MqttSettings.KEYS)
            .flatMap(List::stream).toList();

    /**
     * Each settings owner's parse, run on the checked values: one that refuses them stops the start with its
     * message (a relation between its keys, or a value only it can check).
     */
    private static final List<Parse> PARSES = List.of(ServiceSettings::from, SessionSettings::from,
            SourceFactory::from, ScreeningSettings::from, ApplianceSettings::from,
            v -> HardwareSettings.parse(v.asMap()), v -> DicomSettings.parse(v.asMap()),
            v -> OutboxSettings.parse(v.asMap()), v -> PacsSettings.parse(v.asMap()),
            v -> FhirSettings.parse(v.asMap()), v -> MqttSettings.parse(v.asMap()));

    @FunctionalInterface
    private interface Parse {
        Object from(Values values) throws Exception;
    }

    private static final Map<String, Key> BY_NAME = new LinkedHashMap<>();

    static {
        KEYS.forEach(k -> {
            if (BY_NAME.put(k.name(), k) != null) {
                throw new IllegalStateException("configuration key " + k.name() + " declared twice");
            }
        });
    }

    private final Map<String, String> values;
    private final Values checked;
    private final Map<String, String> origins;

    private ServiceConfig(Map<String, String> values, Map<String, String> origins) {
        this.values = Collections.unmodifiableMap(values);
        this.checked = Values.of(values);
        this.origins = origins;
    }

    /** Defaults, then {@code file} (may be null), then {@code overrides}; every value checked. */
    public static ServiceConfig load(Path file, Map<String, String> overrides) throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        KEYS.forEach(k -> values.put(k.name(), k.defaultValue()));
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (NoSuchFileException e) {
                throw new ConfigException(file + ": configuration file missing");
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")");
            }
            for (String name : new TreeMap<>(properties).keySet().stream().map(Object::toString).toList()) {
                put(values, name, properties.getProperty(name).trim(), file.toString());
                origins.put(name, file.toString());
            }
        }
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            put(values, o.getKey(), o.getValue().trim(), "command line");
            origins.put(o.getKey(), "--set");
        }
        ServiceConfig config = new ServiceConfig(values, origins);
        config.checkRelations();
        return config;
    }

    private static void put(Map<String, String> values, String name, String value, String origin)
            throws ConfigException {
        Key key = BY_NAME.get(name);
        if (key == null) {
            throw new ConfigException(origin + ": unknown configuration key '" + name + "' (known keys: "
                    + String.join(", ", BY_NAME.keySet()) + ")");
        }
        check(key, value, origin);
        values.put(name, value);
    }

    private static void check(Key key, String value, String origin) throws ConfigException {
        String problem = key.problem(value);
        if (problem != null) {
            throw new ConfigException(origin + ": " + key.name() + " = '" + value + "' " + problem);
        }
    }

    /** The declaration of {@code name}; an {@link IllegalArgumentException} for a key no settings record declares. */
    static Key key(String name) {
        Key key = BY_NAME.get(name);
        if (key == null) {
            throw new IllegalArgumentException("no configuration key " + name);
        }
        return key;
    }

    private void checkRelations() throws ConfigException {
        for (Parse parse : PARSES) {
            try {
                parse.from(checked);
            } catch (Exception e) {
                throw new ConfigException(e.getMessage());
            }
        }
    }

    /** The checked values, for the settings records to build themselves from. */
    public Values values() {
        return checked;
    }

    public String text(String key) {
        return checked.text(key);
    }

    public int integer(String key) {
        return checked.integer(key);
    }

    public double number(String key) {
        return checked.number(key);
    }

    public Double optionalNumber(String key) {
        return checked.optionalNumber(key);
    }

    public boolean bool(String key) {
        return checked.bool(key);
    }

    /** Where the key's value came from: the file's name, "--set", or "the built-in default". */
    public String origin(String key) {
        key(key);
        return origins.getOrDefault(key, "the built-in default");
    }

    /** Every key with its effective value, in documentation order. */
    public Map<String, String> effective() {
        return values;
    }

    /** The keys whose values differ between {@code previous} and this configuration, as "key: old -> new". */
    public List<String> changesSince(Map<String, String> previous) {
        List<String> changes = new ArrayList<>();
        for (Key k : KEYS) {
            String before = previous.get(k.name());
            String now = values.get(k.name());
            if (before != null && !before.equals(now)) {
                changes.add(k.name() + ": '" + before + "' -> '" + now + "'");
            }
        }
        return changes;
    }

    /** The documented configuration file with every key at its default, as shipped in device/. */
    static String documentedDefaults() {
        StringBuilder sb = new StringBuilder();
        sb.append("# melanoscreen service configuration. Every key is listed with its built-in default;\n");
        sb.append("# unknown keys and bad values stop the service with a message naming them.\n");
        String section = "";
        for (Key k : KEYS) {
            String prefix = k.name().contains(".") ? k.name().substring(0, k.name().indexOf('.')) : k.name();
            if (!prefix.equals(section)) {
                sb.append('\n');
                section = prefix;
            }
            sb.append("# ").append(k.documentation()).append('\n');
            sb.append(k.name()).append(" = ").append(k.defaultValue()).append('\n');
        }
        return sb.toString();
    }

    /** A configuration that cannot be used; the message names the key or file and the reason. */
    public static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigException(String message) {
            super(message);
        }
    }
}
