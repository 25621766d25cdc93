package org.melanoscreen.fleet;

import org.melanoscreen.workflow.ApplianceListener;
import org.melanoscreen.workflow.ApplianceState;
import org.melanoscreen.workflow.CaptureOutcome;
import org.melanoscreen.workflow.StateChange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The appliance's health as the fleet view sees it, kept up to date by the appliance's state changes and results.
 * Of a result it counts only that one was stored: no patient or lesion reference, no risk, ever leaves through here.
 */
public final class ApplianceHealth implements ApplianceListener, HealthSource {
    /** States kept for the next message while none is sent (the broker away): the most recent this many. */
    public static final int MAX_STATES_KEPT = 32;

    private final String deviceId;
    private final String softwareVersion;
    private final List<String> models;
    private final Path dataFolder;
    private final OutboxDepth outbox;
    private final CpuTemperature temperature;
    private final Clock clock;
    private volatile Runnable changed = () -> { };
    private StateChange last;
    private final ArrayDeque<String> entered = new ArrayDeque<>();
    private LocalDate day;
    private int today;

    /**
     * @param screeningsToday how many screenings the store already holds from today (the service may restart)
     * @param clock           decides what "today" is (its zone: the device's local day)
     */
    public ApplianceHealth(String deviceId, String softwareVersion, List<String> models, Path dataFolder,
                           OutboxDepth outbox, CpuTemperature temperature, Clock clock, int screeningsToday) {
        this.deviceId = deviceId;
        this.softwareVersion = softwareVersion;
        this.models = List.copyOf(models);
        this.dataFolder = dataFolder;
        this.outbox = outbox;
        this.temperature = temperature;
        this.clock = clock;
        this.day = LocalDate.now(clock);
        this.today = screeningsToday;
    }

    /**
     * {@code r} runs (on the appliance's thread, so it must only hand work over) after each state change and each
     * stored result.
     */
    public void onChange(Runnable r) {
        changed = r;
    }

    @Override
    public void stateChanged(StateChange change) {
        synchronized (this) {
            last = change;
            if (entered.size() == MAX_STATES_KEPT) {
                entered.removeFirst();
            }
            entered.addLast(change.state().name());
        }
        changed.run();
    }

    @Override
    public void resultReady(CaptureOutcome outcome) {
        synchronized (this) {
            rollOver();
            today++;
        }
        changed.run();
    }

    /** The health now; the states entered since the previous snapshot go into this one and no other. */
    @Override
    public HealthSnapshot snapshot() {
        StateChange now;
        int count;
        List<String> passed;
        synchronized (this) {
            rollOver();
            now = last;
            count = today;
            passed = List.copyOf(entered);
            entered.clear();
        }
        String state = now == null ? ApplianceState.BOOTING.name() : now.state().name();
        List<HealthSnapshot.FaultReport> faults = now == null || now.fault() == null ? List.of()
                : List.of(new HealthSnapshot.FaultReport(now.fault().label(), now.detail(), now.action()));
        return new HealthSnapshot(clock.instant(), deviceId, state, passed, faults, outbox.depths(), freeDisk(),
                temperature.celsius(), softwareVersion, models, count);
    }

    private void rollOver() {
        LocalDate d = LocalDate.now(clock);
        if (!d.equals(day)) {
            day = d;
            today = 0;
        }
    }

    private Long freeDisk() {
        try {
            return Files.getFileStore(dataFolder).getUsableSpace();
        } catch (IOException e) {
            return null;
        }
    }
}
