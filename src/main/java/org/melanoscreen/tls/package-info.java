/**
 * TLS that trusts only the clinic's certificate authorities, for every connection the device opens to the clinic's
 * servers (the PACS, the FHIR server, the MQTT broker): one reading of a trust store file and one error wording.
 */
package org.melanoscreen.tls;
