package org.melanoscreen.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Option values outside what the setting's owner allows are usage errors (exit 2), before anything starts. */
class ModelOptionsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--threads|-1|from 0 to 64",
            "--threads|100000|from 0 to 64",
            "--pixel-pitch-mm|-1|above 0 and at most 1",
            "--pixel-pitch-mm|0|above 0 and at most 1",
            "--min-lesion-area|2|from 0 to 1",
            "--max-lesion-area|-0.5|from 0 to 1"})
    void outOfRangeIsAUsageErrorNamingTheOptionAndTheRange(String option, String value, String range) {
        for (String command : new String[]{"screen", "bench", "eval"}) {
            Cli.Run run = Cli.run(command, option, value, "no-such-input");
            assertEquals(2, run.exitCode(), command + ": " + run.err());
            assertTrue(run.err().startsWith("Invalid value for option '" + option + "': " + value
                    + " is out of range; it must be " + range + "\n"), run.err());
        }
    }

    @Test
    void theSmallestLesionMustBeBelowTheLargest() {
        Cli.Run run = Cli.run("screen", "--models", "src/test/resources/tiny-models/seg,src/test/resources/tiny-models/cls",
                "--min-lesion-area", "0.5", "--max-lesion-area", "0.4", "no-such-input.png");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("error: lesion.min_area must be below lesion.max_area\n", run.err());
    }
}
