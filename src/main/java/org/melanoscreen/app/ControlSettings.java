package org.melanoscreen.app;

import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Values;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the service takes capture/cancel/status lines from ({@link #KEYS}).
 *
 * @param socket a Unix socket to listen on; null: none
 * @param stdin  read lines from standard input
 */
record ControlSettings(Path socket, boolean stdin) {
    static final List<Key> KEYS = List.of(
            Key.text("control.socket", "", "Unix socket for capture/cancel/status lines; empty = off."),
            Key.bool("control.stdin", true, "Read capture/cancel/quit lines from standard input."));

    static ControlSettings from(Values v) {
        String socket = v.text("control.socket");
        return new ControlSettings(socket.isEmpty() ? null : Path.of(socket), v.bool("control.stdin"));
    }
}
