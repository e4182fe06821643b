/**
 * The {@code http} backend: a reverse proxy to HTTP/1.1 targets with load balancing, retries,
 * active health checks and a circuit breaker per target.
 *
 * <h2>Circuit breaker and passive ejection</h2>
 *
 * <p>There is one mechanism, {@link dev.portcullis.kernel.backend.http.CircuitBreaker}, per
 * target. Every upstream result is counted once, by it: connect failures, timeouts, resets, TLS
 * and protocol errors, and responses whose status is a failure status are failures; anything
 * else is a success. A request whose own body fails (the client went away, a size-limit policy
 * cut it off) is no verdict on the upstream and is not counted.
 *
 * <ul>
 *   <li>{@code circuitBreaker:} configured: two arms open the circuit, the error ratio over a
 *       sliding window (ten buckets, one packed {@code long} each, updated by compare-and-set)
 *       and consecutive failures. After {@code openFor} it half-opens and admits
 *       {@code halfOpenProbes} requests: all succeed → closed, any fails → open again.</li>
 *   <li>No {@code circuitBreaker:}: {@code passive:} ejection is the same breaker with only the
 *       consecutive-failures arm ({@code consecutiveFailures}, {@code openFor = ejectFor}), 5xx
 *       as failure statuses and one probe after {@code ejectFor}. Its transitions show in the
 *       same metrics and logs. {@code passive: { consecutiveFailures: 0 }} turns it off.</li>
 *   <li>Both configured is a config error: the breaker's {@code consecutiveFailures} is
 *       passive ejection, and two streak counters over the same results would double-count.</li>
 * </ul>
 *
 * <p>Active health checks are separate evidence: an unhealthy target is skipped whatever its
 * circuit, and a target that proves healthy again half-opens an open circuit at once, so probes
 * rather than the rest of {@code openFor} decide. When no target can be picked, the route
 * answers 503 {@code circuit-open} with {@code Retry-After} (seconds until the earliest circuit
 * admits probes) if a breaker holds back any target the health checks count as up, else 503
 * {@code no-healthy-upstream}.
 *
 * <p>Metrics per target: {@code portcullis.upstream.circuit_state} (0 closed, 1 half-open,
 * 2 open) and {@code portcullis.upstream.circuit_transitions} tagged {@code to}. The switch from
 * open to half-open is made by the first request after {@code openFor}, so an idle route's gauge
 * stays at open until traffic comes.
 */
package dev.portcullis.kernel.backend.http;
