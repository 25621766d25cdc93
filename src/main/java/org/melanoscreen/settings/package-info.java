/**
 * What every settings record shares: the {@link org.melanoscreen.settings.Range} of values a numeric setting may
 * take. Each record declares its own ranges; the configuration file and the command-line options check values
 * against those same ranges, so a limit is written once. Depends on nothing else in the project.
 */
package org.melanoscreen.settings;
