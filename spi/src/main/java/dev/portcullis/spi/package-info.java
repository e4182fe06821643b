/**
 * The Portcullis service provider interface: everything a plugin needs to add policies,
 * backends and shared components to the gateway, and nothing of the kernel's internals.
 *
 * <p>A request flows through a {@link dev.portcullis.spi.Policy} chain to a
 * {@link dev.portcullis.spi.Backend}; both are created from typed config records by
 * {@link dev.portcullis.spi.PolicyFactory} and {@link dev.portcullis.spi.BackendFactory}
 * extensions that PF4J discovers in plugin jars.
 */
package dev.portcullis.spi;
