package org.melanoscreen.app;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What README.md says about the options commands share holds for each command it names, and no more. */
class ReadmeOptionsTest {
    private static final Pattern SHARED = Pattern.compile("((?:`[a-z]+`(?:, | and ))+`[a-z]+`) share ([^;]+);");
    private static final Pattern TICKED = Pattern.compile("`([^` ]+)[^`]*`");

    private static List<String> ticked(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = TICKED.matcher(text);
        while (m.find()) {
            words.add(m.group(1));
        }
        return words;
    }

    @Test
    void theSharedOptionsAreTheNamedCommandsOptions() throws Exception {
        String readme = Files.readString(Path.of("README.md")).replaceAll("\\s+", " ");
        assertFalse(readme.contains("All commands share"), "run, selftest and synth do not take --models or --json");
        Matcher m = SHARED.matcher(readme);
        assertTrue(m.find(), "README names the commands that share options");
        List<String> commands = ticked(m.group(1));
        List<String> options = ticked(m.group(2));
        assertEquals(List.of("screen", "eval", "bench"), commands);
        assertTrue(options.containsAll(List.of("--models", "--json")), options.toString());
        for (String command : commands) {
            String help = Cli.run(command, "--help").out();
            for (String option : options) {
                assertTrue(help.contains(option), command + " lacks " + option);
            }
        }
        for (String command : List.of("run", "selftest")) {
            String help = Cli.run(command, "--help").out();
            assertTrue(help.contains("--config") && help.contains("--set"), command);
            assertFalse(help.contains("--models") || help.contains("--json"), command + " takes --models/--json now");
        }
        assertFalse(Cli.run("synth", "--help").out().contains("--models"));
    }
}
