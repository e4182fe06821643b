/**
 * Unit-test a Portcullis plugin against the SPI alone, without starting a gateway.
 *
 * <ul>
 *   <li>{@link dev.portcullis.testkit.TestRequest} and {@link dev.portcullis.testkit.TestExchange}:
 *       a request and exchange with the kernel's semantics, to call {@code onRequest},
 *       {@code onResponse} or {@code Backend.handle} directly;</li>
 *   <li>{@link dev.portcullis.testkit.TestPluginContext}: what a factory's {@code create} gets,
 *       with declared components and consumers and a readable meter registry;</li>
 *   <li>{@link dev.portcullis.testkit.CollectingConfigErrors}: what a config record's
 *       {@code validate} reports, with full paths;</li>
 *   <li>{@link dev.portcullis.testkit.TestClock} and {@link dev.portcullis.testkit.Verdicts}:
 *       time under the test's control, and verdict unwrapping.</li>
 * </ul>
 *
 * <p>Add {@code dev.portcullis:portcullis-testkit} with {@code test} scope next to the SPI.
 */
package dev.portcullis.testkit;
