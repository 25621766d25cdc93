/**
 * Stored screenings as FHIR R4 resources for the clinic's record system: the resources of one screening
 * ({@link org.melanoscreen.export.fhir.ScreeningReport}), the outbox destination that sends them with HAPI's client
 * ({@link org.melanoscreen.export.fhir.FhirDestination}) and the settings it takes from the configuration. It reads
 * the results store's screenings and never writes them.
 */
package org.melanoscreen.export.fhir;
