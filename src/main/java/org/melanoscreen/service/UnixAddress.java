package org.melanoscreen.service;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A {@code struct sockaddr_un} for a socket path, or for an abstract socket when the name starts with '@'
 * (written as a leading NUL byte, as systemd does for {@code NOTIFY_SOCKET=@name}).
 */
record UnixAddress(String name, byte[] bytes) {
    private static final int PATH_SIZE = 108;
    private static final int FAMILY_SIZE = 2;

    static UnixAddress of(String name) {
        if (name == null || name.isEmpty() || !(name.startsWith("/") || name.startsWith("@"))) {
            throw new IllegalArgumentException("Unix socket '" + name + "': must be an absolute path or @abstract");
        }
        boolean abstractName = name.startsWith("@");
        byte[] path = (abstractName ? "\0" + name.substring(1) : name).getBytes(StandardCharsets.UTF_8);
        // a path needs room for its terminating NUL; an abstract name is counted by the length alone
        int used = path.length + (abstractName ? 0 : 1);
        if (used > PATH_SIZE) {
            throw new IllegalArgumentException("Unix socket '" + name + "': longer than " + (PATH_SIZE - 1) + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(FAMILY_SIZE + used).order(ByteOrder.nativeOrder());
        b.putShort((short) LibC.AF_UNIX).put(path);
        return new UnixAddress(name, b.array());
    }

    int length() {
        return bytes.length;
    }
}
