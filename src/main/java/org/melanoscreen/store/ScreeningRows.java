package org.melanoscreen.store;

import org.melanoscreen.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import org.tinylog.Logger;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;

/** Screenings read from the index with their files, as {@link StoredScreening}s. */
final class ScreeningRows {
    private static final TypeReference<Map<String, String>> MODELS = new TypeReference<>() {
    };

    private final Connection db;
    private final Path results;
    private final Path database;

    ScreeningRows(Connection db, Path results, Path database) {
        this.db = db;
        this.results = results;
        this.database = database;
    }

    @FunctionalInterface
    interface Visitor {
        void visit(StoredScreening s) throws StoreException;
    }

    Optional<StoredScreening> get(long id) throws StoreException {
        List<StoredScreening> found = new ArrayList<>();
        select("s.id = ?", List.of(id), false, 1, found::add);
        return found.stream().findFirst();
    }

    /**
     * Streams screenings with their files, oldest first or newest first, in one statement so that each is seen
     * whole even while the owner saves or deletes.
     */
    void select(String where, List<Object> params, boolean newestFirst, int limit, Visitor visitor)
            throws StoreException {
        String order = newestFirst ? "s.time DESC, s.id DESC" : "s.id";
        String sql = "SELECT s.id, s.time, s.device_id, s.patient_ref, s.lesion_ref, s.risk, s.melanoma_probability, "
                + "s.result_json, s.models_json, s.software_version, s.folder, f.name, f.size, f.sha256 "
                + "FROM (SELECT * FROM screenings s" + (where == null ? "" : " WHERE " + where)
                + " ORDER BY " + order + " LIMIT ?) s LEFT JOIN files f ON f.screening_id = s.id "
                + "ORDER BY " + order + ", f.name";
        try (PreparedStatement st = db.prepareStatement(sql)) {
            int i = 1;
            for (Object p : params) {
                st.setObject(i++, p);
            }
            st.setInt(i, limit);
            try (ResultSet rs = st.executeQuery()) {
                Row current = null;
                while (rs.next()) {
                    long id = rs.getLong(1);
                    if (current == null || current.id != id) {
                        if (current != null) {
                            visitor.visit(current.screening());
                        }
                        current = new Row(rs, results);
                    }
                    if (rs.getString(12) != null) {
                        current.files.add(new StoredFile(rs.getString(12), rs.getLong(13), rs.getString(14)));
                    }
                }
                if (current != null) {
                    visitor.visit(current.screening());
                }
            }
        } catch (SQLException e) {
            throw new StoreException(database + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    List<Long> ids() throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM screenings ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** Every id AUTOINCREMENT can have given, from its counter (or the table's last row). */
    List<Long> idsUpToHighest() throws StoreException {
        long highest = -1;
        for (String sql : List.of("SELECT seq FROM sqlite_sequence WHERE name = 'screenings'",
                "SELECT max(id) FROM screenings")) {
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                highest = Math.max(highest, rs.next() ? rs.getLong(1) : 0);
            } catch (SQLException e) {
                Logger.warn("{}: {} failed ({})", database, sql, e.getMessage());
            }
        }
        if (highest < 0) {
            throw new StoreException(database + ": no screening id can be read; "
                    + "nothing was exported");
        }
        return LongStream.rangeClosed(1, highest).boxed().toList();
    }

    /** A screening row being assembled from the joined rows of its files. */
    private static final class Row {
        final long id;
        final Instant time;
        final String deviceId;
        final String patientRef;
        final String lesionRef;
        final String risk;
        final Double probability;
        final String resultJson;
        final String modelsJson;
        final String softwareVersion;
        final Path folder;
        final List<StoredFile> files = new ArrayList<>();

        Row(ResultSet rs, Path results) throws SQLException {
            id = rs.getLong(1);
            time = StoreTime.parse(rs.getString(2));
            deviceId = rs.getString(3);
            patientRef = rs.getString(4);
            lesionRef = rs.getString(5);
            risk = rs.getString(6);
            double p = rs.getDouble(7);
            probability = rs.wasNull() ? null : p;
            resultJson = rs.getString(8);
            modelsJson = rs.getString(9);
            softwareVersion = rs.getString(10);
            folder = results.resolve(rs.getString(11));
        }

        StoredScreening screening() throws StoreException {
            Map<String, String> models;
            try {
                models = Json.MAPPER.readValue(modelsJson, MODELS);
            } catch (JsonProcessingException e) {
                throw new StoreException("screening " + id + ": models column is not a JSON object ("
                        + e.getOriginalMessage() + ")", e);
            }
            return new StoredScreening(id, time, deviceId, patientRef, lesionRef, risk, probability, resultJson,
                    models, softwareVersion, folder, files);
        }
    }
}
