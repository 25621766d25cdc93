package org.melanoscreen.export.dicom;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * UIDs derived from names (PS3.5 B.2): "2.25." and the decimal of a name-based UUID, so that the same screening
 * always gets the same UIDs and a resend is the same instance.
 */
final class Uids {
    private Uids() {
    }

    /** The UID of the name made of {@code parts} (each part on its own line, so that no two names run together). */
    static String derived(String... parts) {
        UUID uuid = UUID.nameUUIDFromBytes(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
        byte[] bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
        return "2.25." + new BigInteger(1, bytes);
    }
}
