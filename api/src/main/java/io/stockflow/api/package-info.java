/**
 * The HTTP API: inventory operations, reservations that never oversell, orders and ops. It writes
 * only to the database; reactions come through the changefeed. Packages are features: {@code
 * inventory}, {@code reservations}, {@code orders}, {@code ops}, plus the cross-cutting {@code
 * security}, {@code problem} (RFC 9457 errors) and {@code idempotency} (the Idempotency-Key
 * header).
 */
package io.stockflow.api;
