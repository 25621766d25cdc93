package org.melanoscreen.outbox;

/** Why a destination did not take a screening (or failed its check), in words an installer can act on. */
public final class DeliveryException extends Exception {
    private final boolean permanent;

    /**
     * @param reason    the cause, with the server's own words where it gave any ("HTTP 401 from pacs: ...")
     * @param permanent the server refused this content itself, so resending it unchanged cannot succeed
     */
    public DeliveryException(String reason, boolean permanent, Throwable cause) {
        super(reason, cause);
        this.permanent = permanent;
    }

    public DeliveryException(String reason, boolean permanent) {
        this(reason, permanent, null);
    }

    public boolean permanent() {
        return permanent;
    }
}
