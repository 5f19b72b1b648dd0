/**
 * The cohort store of the registry sync: per source its watermark, per patient its last mapped
 * outcome, per sync what it did, and the lock that lets one sync run at a time. JDBC on embedded H2
 * (the default) or PostgreSQL, the schema by Flyway migrations. Free of FHIR and Camel: it stores
 * what the other stages made.
 */
package org.llmfhiradapter.store;
