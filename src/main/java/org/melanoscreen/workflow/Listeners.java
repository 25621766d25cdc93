package org.melanoscreen.workflow;

import org.tinylog.Logger;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The appliance's listeners: a failing one (a display, a lamp) is logged once, told again next time, and never
 * stops screening. */
final class Listeners {
    private final List<ApplianceListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<ApplianceListener> failing = new HashSet<>();

    void add(ApplianceListener listener) {
        listeners.add(listener);
    }

    /** Tells every listener; called on the appliance's thread only. */
    void tell(Consumer<ApplianceListener> call) {
        for (ApplianceListener l : listeners) {
            try {
                call.accept(l);
                if (failing.remove(l)) {
                    Logger.info("Listener {} works again", l);
                }
            } catch (RuntimeException e) {
                if (failing.add(l)) {
                    Logger.error(e, "Listener {} failed; screening goes on without it until it recovers", l);
                }
            }
        }
    }
}
