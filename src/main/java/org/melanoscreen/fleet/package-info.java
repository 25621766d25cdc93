/**
 * The fleet view: each device's health (state, faults, outbox depth, free disk, CPU temperature, versions,
 * screenings today) published to the clinic's MQTT broker, with a retained online/offline status. It carries no
 * patient data, and it never delays the appliance: publishing runs on its own thread, and a broker that is away is
 * reconnected to in the background.
 */
package org.melanoscreen.fleet;
