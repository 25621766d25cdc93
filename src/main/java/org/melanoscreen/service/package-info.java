/** The service's conversation with systemd: sd_notify (READY, STATUS, STOPPING) and the watchdog fed only on progress. */
package org.melanoscreen.service;
