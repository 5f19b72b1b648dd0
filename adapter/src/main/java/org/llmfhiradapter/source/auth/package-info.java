/**
 * Authentication to the FHIR server: SMART Backend Services (a signed JWT traded for a short-lived
 * access token) and HTTP Basic, attached to HAPI client requests by {@link
 * org.llmfhiradapter.source.auth.AuthInterceptor} only for the configured server's origin.
 *
 * <p>Secrets (the private key, the basic password, access tokens, signed assertions) never appear
 * in exception messages, logs or {@code toString()}.
 */
package org.llmfhiradapter.source.auth;
