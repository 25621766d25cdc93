package org.melanoscreen.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Screening records whose file contents follow from a seed, so a reader can check them without the writer. */
final class TestRecords {
    static final String MODEL_SHA = "ab".repeat(32);

    private TestRecords() {
    }

    static ScreeningRecord record(long seed, Instant time) {
        return record(seed, time, 20_000);
    }

    static ScreeningRecord record(long seed, Instant time, int frameBytes) {
        Random random = new Random(seed);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("frame.png", bytes(random, frameBytes + random.nextInt(frameBytes)));
        files.put("mask.png", bytes(random, 1000 + random.nextInt(1000)));
        files.put("overlay.png", bytes(random, frameBytes / 2));
        String risk = seed % 3 == 0 ? "RETAKE" : seed % 3 == 1 ? "LOW" : "REFER";
        Double p = risk.equals("RETAKE") ? null : random.nextInt(1000) / 1000.0;
        String json = "{\"seed\": " + seed + ", \"risk\": \"" + risk + "\", \"measurements\": {\"area_mm2\": 12.5},"
                + " \"quality\": {\"sharpness\": 0.81}}";
        return new ScreeningRecord(time, "dev-1", "patient, \"" + seed + "\"", seed % 2 == 0 ? null : "lesion-" + seed,
                risk, p, json, Map.of("seg-v1", MODEL_SHA, "cls-v2", "cd".repeat(32)), "0.1.0-test", files);
    }

    static long seedOf(StoredScreening s) {
        return Long.parseLong(s.resultJson().replaceAll("^\\{\"seed\": (\\d+),.*$", "$1"));
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
