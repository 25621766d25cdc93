/**
 * The command line (picocli): {@code run}, {@code screen}, {@code eval}, {@code bench}, {@code camera},
 * {@code results}, {@code selftest}, {@code synth}; the configuration file and its keys, and the wiring of the
 * other packages into the service. The only package that reads options and prints for people.
 */
package org.melanoscreen.app;
