package org.melanoscreen.app;

import org.melanoscreen.analysis.ResultJson;
import picocli.CommandLine.Option;

/** Output options shared by every command. */
public final class OutputOptions {
    @Option(names = "--json", description = "Machine-readable JSON (one object per line) instead of a table.")
    boolean json;

    /** Reports an input that failed: an error object on stdout with --json, a line on stderr otherwise. */
    void error(String source, String message) {
        if (json) {
            System.out.println(ResultJson.error(source, message));
        } else {
            System.err.println("error: " + message);
        }
    }
}
