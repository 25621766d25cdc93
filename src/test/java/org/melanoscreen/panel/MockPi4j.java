package org.melanoscreen.panel;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;

import java.io.ByteArrayOutputStream;

/** A Pi4J context built, like the real one, from named providers: here Pi4J's mock ones. */
final class MockPi4j {
    private MockPi4j() {
    }

    static Context context() {
        return Pi4J.newContextBuilder()
                .noAutoDetect()
                .add(MockDigitalOutputProvider.newInstance(), MockDigitalInputProvider.newInstance(),
                        MockI2CProvider.newInstance())
                .disableShutdownHook()
                .build();
    }

    /** Everything written to a mock I2C device since the last call (MockI2C keeps writes in a FIFO). */
    static byte[] written(I2C i2c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[256];
        for (int n; (n = i2c.read(buffer, 0, buffer.length)) > 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
