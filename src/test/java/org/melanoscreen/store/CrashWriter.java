package org.melanoscreen.store;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The child process of {@link CrashSafetyTest}: saves screenings until it is killed, printing
 * {@code committed ID SEED} after each save returns. Every seventh screening is two days old and is followed by
 * retention (max age one day), so kills also land in retention. Every screening is queued for {@link #DESTINATIONS}.
 */
public final class CrashWriter {
    static final Duration MAX_AGE = Duration.ofDays(1);
    static final int FRAME_BYTES = 150_000;
    static final List<String> DESTINATIONS = List.of("pacs", "fhir");

    private CrashWriter() {
    }

    static boolean expires(long seed) {
        return seed % 7 == 0;
    }

    static Instant time(long seed) {
        Instant t = Instant.now();
        return expires(seed) ? t.minus(2, ChronoUnit.DAYS) : t;
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        PrintStream out = System.out;
        try (ResultStore store = ResultStore.open(new StoreSettings(data, 0, MAX_AGE, null, "crash-writer"))) {
            store.forwardTo(DESTINATIONS);
            out.println("ready");
            out.flush();
            for (; ; seed++) {
                long id = store.save(TestRecords.record(seed, time(seed), FRAME_BYTES));
                out.println("committed " + id + " " + seed);
                out.flush();
                if (expires(seed)) {
                    store.applyRetention();
                }
            }
        }
    }
}
