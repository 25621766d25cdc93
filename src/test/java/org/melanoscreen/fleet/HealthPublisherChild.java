package org.melanoscreen.fleet;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A device in a JVM of its own, for the test that kills it: publishes until killed and prints "connected" once
 * connected. Arguments: broker URL, user, password, device id.
 */
public final class HealthPublisherChild {
    private HealthPublisherChild() {
    }

    public static void main(String[] args) throws Exception {
        MqttSettings settings = MqttSettings.parse(Map.of("mqtt.url", args[0], "mqtt.username", args[1],
                "mqtt.interval_s", "1"));
        ApplianceHealth health = new ApplianceHealth(args[3], "child", List.of(), Path.of("."), OutboxDepth.NONE,
                CpuTemperature.system(), Clock.systemDefaultZone(), 0);
        HealthPublisher publisher = HealthPublisher.start(settings, args[3], Map.of("mqtt.password", args[2]),
                health);
        while (!publisher.connected()) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        System.out.println("connected");
        System.out.flush();
        TimeUnit.MINUTES.sleep(5);
    }
}
