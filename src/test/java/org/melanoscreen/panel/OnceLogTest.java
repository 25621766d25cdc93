package org.melanoscreen.panel;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OnceLogTest {

    @Test
    void aFailureIsLoggedOnceUntilItWorksAgain() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            OnceLog log = new OnceLog("Status display (test)");
            for (int i = 0; i < 50; i++) {
                log.failed(new IllegalStateException("I2C write failed " + i));
            }
            log.worked();
            log.worked();
            log.failed(new IllegalStateException("I2C write failed again"));
        } finally {
            System.setErr(err);
        }
        String[] lines = Arrays.stream(captured.toString(StandardCharsets.UTF_8).split("\n"))
                .filter(l -> l.contains("Status display (test)")).toArray(String[]::new);
        assertEquals(3, lines.length, String.join("\n", lines));
        assertEquals(true, lines[0].contains("failed; screening goes on"), lines[0]);
        assertEquals(true, lines[1].contains("works again"), lines[1]);
        assertEquals(true, lines[2].contains("failed; screening goes on"), lines[2]);
    }
}
