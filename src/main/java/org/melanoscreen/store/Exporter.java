package org.melanoscreen.store;

import org.melanoscreen.json.Json;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tinylog.Logger;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds an export in a hidden folder beside its target, then renames it into place: {@code screenings.csv},
 * {@code screenings.json} (an array of the objects of {@link StoredScreening#toJson()}) and one folder per
 * screening named by its id, or, with an {@link ExportConverter}, the files it makes of each screening. Files are
 * checked against their stored SHA-256 while copied or read; one that is missing or differs is left out and named,
 * as is everything else that could not be read or converted, in {@code problems.txt}.
 */
final class Exporter {
    static final String CSV = "screenings.csv";
    static final String JSON = "screenings.json";
    static final String PROBLEMS = "problems.txt";
    /** Folders of screenings whose index row cannot be read, copied unchecked under their own names. */
    static final String UNINDEXED = "unindexed";
    static final List<String> CSV_COLUMNS = List.of("id", "time", "device_id", "patient_ref", "lesion_ref", "risk",
            "melanoma_probability", "software_version", "models", "folder", "files");

    private final Path target;
    private final Path temp;
    /** Null: each screening's stored files are copied into its own folder. */
    private final ExportConverter converter;
    private final FileChannel csvChannel;
    private final Writer csv;
    private final FileChannel jsonChannel;
    private final JsonGenerator json;
    private final List<String> problems = new ArrayList<>();
    private int screenings;
    private int files;
    private long bytes;

    private Exporter(Path target, Path temp, ExportConverter converter) throws IOException {
        this.target = target;
        this.temp = temp;
        this.converter = converter;
        csvChannel = FileChannel.open(temp.resolve(CSV), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        csv = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(csvChannel), StandardCharsets.UTF_8));
        jsonChannel = FileChannel.open(temp.resolve(JSON), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        json = Json.MAPPER.createGenerator(Channels.newOutputStream(jsonChannel));
        json.useDefaultPrettyPrinter();
        csv.write(String.join(",", CSV_COLUMNS) + "\r\n");
        json.writeStartArray();
    }

    /**
     * Starts an export into {@code target}, which must not exist or be an empty folder in an existing one;
     * {@code converter} null copies the stored files.
     */
    static Exporter begin(Path target, ExportConverter converter) throws StoreException {
        if (Files.exists(target) && !isEmptyFolder(target)) {
            throw new StoreException("export folder " + target + ": already exists and is not empty; "
                    + "name a new folder so that no earlier export is overwritten");
        }
        Path temp = target.resolveSibling("." + target.getFileName() + ".partial-" + UUID.randomUUID());
        try {
            Files.createDirectory(temp);
            return new Exporter(target, temp, converter);
        } catch (IOException e) {
            try {
                DurableFiles.deleteTree(temp);
            } catch (IOException d) {
                e.addSuppressed(d);
            }
            throw new StoreException("export folder " + target + ": cannot be created (" + DurableFiles.reason(e) + ")", e);
        }
    }

    /** Exports a screening with those of its files that match what was stored; the others are named. */
    void add(StoredScreening s) throws StoreException {
        if (converter != null) {
            addConverted(s);
            return;
        }
        Path folder = temp.resolve(Long.toString(s.id()));
        List<StoredFile> exported = new ArrayList<>();
        try {
            Files.createDirectory(folder);
            for (StoredFile f : s.files()) {
                Path from = s.file(f.name());
                Path to = folder.resolve(f.name());
                String problem = copyChecked(from, to, f);
                if (problem == null) {
                    exported.add(f);
                    files++;
                    bytes += f.size();
                } else {
                    Files.deleteIfExists(to);
                    problems.add("screening " + s.id() + ": " + f.name() + " " + problem + "; not exported");
                }
            }
            DurableFiles.syncFolder(folder);
            index(s, exported, Long.toString(s.id()));
        } catch (IOException e) {
            throw new StoreException("screening " + s.id() + ": cannot be exported to " + folder + " ("
                    + DurableFiles.reason(e) + ")", e);
        }
    }

    /** Writes what the converter makes of a screening at the top of the export; one it cannot convert is named. */
    private void addConverted(StoredScreening s) throws StoreException {
        Map<String, byte[]> converted;
        try {
            converted = converter.convert(s, s::read);
        } catch (StoreException | RuntimeException e) {
            problems.add("screening " + s.id() + ": cannot be converted (" + e.getMessage() + "); not exported");
            return;
        }
        List<StoredFile> exported = new ArrayList<>();
        try {
            for (Map.Entry<String, byte[]> f : converted.entrySet()) {
                if (!ScreeningRecord.FILE_NAME.matcher(f.getKey()).matches() || Files.exists(temp.resolve(f.getKey()))) {
                    throw new StoreException("screening " + s.id() + ": converted file name '" + f.getKey()
                            + "' is not a plain file name or is already taken");
                }
                DurableFiles.write(temp.resolve(f.getKey()), f.getValue());
                exported.add(new StoredFile(f.getKey(), f.getValue().length, DurableFiles.sha256(f.getValue())));
                files++;
                bytes += f.getValue().length;
            }
            index(s, exported, ".");
        } catch (IOException e) {
            throw new StoreException("screening " + s.id() + ": cannot be exported to " + temp + " ("
                    + DurableFiles.reason(e) + ")", e);
        }
    }

    /** The screening's row in the CSV and JSON index, naming the exported files and the folder they are in. */
    private void index(StoredScreening s, List<StoredFile> exported, String folder) throws IOException {
        StoredScreening written = new StoredScreening(s.id(), s.time(), s.deviceId(), s.patientRef(),
                s.lesionRef(), s.risk(), s.melanomaProbability(), s.resultJson(), s.models(), s.softwareVersion(),
                s.folder(), exported);
        csv.write(csvRow(written, folder) + "\r\n");
        ObjectNode o = written.toJson();
        o.put("folder", folder);
        json.writeTree(o);
        screenings++;
    }

    /** Null when copied intact, else what is wrong with the stored file. */
    private static String copyChecked(Path from, Path to, StoredFile f) {
        try {
            return DurableFiles.copy(from, to).equals(f.sha256()) ? null
                    : "differs from what was stored (SHA-256 mismatch)";
        } catch (IOException e) {
            return "cannot be read (" + DurableFiles.reason(e) + ")";
        }
    }

    /**
     * Copies, unchecked, the folder of a screening whose index row cannot be read into {@code unindexed/}: its
     * {@code result.json} still says what was found.
     */
    void addUnindexed(Path resultFolder) throws StoreException {
        String name = resultFolder.getFileName().toString();
        Path folder = temp.resolve(UNINDEXED).resolve(name);
        try {
            Files.createDirectories(folder);
            try (Stream<Path> listing = Files.list(resultFolder)) {
                for (Path from : (Iterable<Path>) listing.sorted()::iterator) {
                    try {
                        DurableFiles.copy(from, folder.resolve(from.getFileName()));
                        files++;
                        bytes += Files.size(from);
                    } catch (IOException e) {
                        problems.add("results/" + name + "/" + from.getFileName() + ": cannot be read ("
                                + DurableFiles.reason(e) + "); not exported");
                    }
                }
            }
            DurableFiles.syncFolder(folder);
            problems.add("results/" + name + ": no readable row in the index; its files were exported unchecked to "
                    + UNINDEXED + "/" + name);
        } catch (IOException e) {
            throw new StoreException("results/" + name + ": cannot be exported to " + folder + " ("
                    + DurableFiles.reason(e) + ")", e);
        }
    }

    /** Something that could not be exported, in words. */
    void problem(String what) {
        problems.add(what);
    }

    ExportSummary finish() throws StoreException {
        try {
            json.writeEndArray();
            json.flush();
            jsonChannel.force(true);
            json.close();
            csv.flush();
            csvChannel.force(true);
            csv.close();
            if (!problems.isEmpty()) {
                DurableFiles.write(temp.resolve(PROBLEMS), (String.join("\n", problems) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            DurableFiles.syncFolder(temp);
            if (Files.exists(target)) {
                Files.delete(target);
            }
            DurableFiles.moveFolder(temp, target);
        } catch (IOException e) {
            throw new StoreException("export folder " + target + ": cannot be completed (" + DurableFiles.reason(e) + ")", e);
        }
        Logger.info("Exported {} screening(s), {} file(s), {} bytes to {}; {} problem(s)", screenings, files, bytes,
                target, problems.size());
        return new ExportSummary(target, screenings, files, bytes, problems);
    }

    /** Removes the unfinished export; the target is left as it was. */
    void abandon() {
        try {
            json.close();
            csv.close();
        } catch (IOException e) {
            Logger.debug("Closing an abandoned export: {}", e.getMessage());
        }
        try {
            DurableFiles.deleteTree(temp);
        } catch (IOException e) {
            Logger.warn("{}: unfinished export cannot be removed ({}); delete it by hand", temp, DurableFiles.reason(e));
        }
    }

    static String csvRow(StoredScreening s, String folder) {
        String models = new TreeMap<>(s.models()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(";"));
        String names = s.files().stream().map(StoredFile::name).collect(Collectors.joining(";"));
        return Stream.of(Long.toString(s.id()), s.time().toString(), s.deviceId(), s.patientRef(), s.lesionRef(),
                        s.risk(), s.melanomaProbability() == null ? null : s.melanomaProbability().toString(),
                        s.softwareVersion(), models, folder, names)
                .map(Exporter::csvField).collect(Collectors.joining(","));
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break; a missing value is an empty field. */
    static String csvField(String v) {
        if (v == null) {
            return "";
        }
        return v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")
                ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    private static boolean isEmptyFolder(Path p) throws StoreException {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new StoreException("export folder " + p + ": cannot be listed (" + DurableFiles.reason(e) + ")", e);
        }
    }
}
