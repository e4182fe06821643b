package dev.portcullis.kernel.runtime;

import dev.portcullis.spi.Backend;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.StreamHook;
import dev.portcullis.spi.Verdict;
import java.io.IOException;

/**
 * Makes a plugin's class loader the thread context class loader around every call into a plugin's
 * policy or backend, so ServiceLoader and similar lookups inside the plugin find its own classes.
 * Built-ins are not wrapped.
 */
final class LoaderScoped {

    private LoaderScoped() {}

    /** The policy or backend a wrapper of this class (or {@link ShadowPolicy}) stands for. */
    static Object unwrap(Object o) {
        while (true) {
            if (o instanceof ScopedPolicy p) {
                o = p.delegate();
            } else if (o instanceof ScopedBackend b) {
                o = b.delegate();
            } else if (o instanceof ShadowPolicy s) {
                o = s.delegate();
            } else {
                return o;
            }
        }
    }

    static Policy wrap(Policy p, ClassLoader loader) {
        return loader == null || loader == LoaderScoped.class.getClassLoader() ? p : new ScopedPolicy(p, loader);
    }

    static Backend wrap(Backend b, ClassLoader loader) {
        return loader == null || loader == LoaderScoped.class.getClassLoader() ? b : new ScopedBackend(b, loader);
    }

    private record ScopedPolicy(Policy delegate, ClassLoader loader) implements Policy {
        @Override
        public Verdict onRequest(Exchange exchange) {
            Thread t = Thread.currentThread();
            ClassLoader prev = t.getContextClassLoader();
            t.setContextClassLoader(loader);
            try {
                return delegate.onRequest(exchange);
            } finally {
                t.setContextClassLoader(prev);
            }
        }

        @Override
        public Verdict onResponse(Exchange exchange) {
            Thread t = Thread.currentThread();
            ClassLoader prev = t.getContextClassLoader();
            t.setContextClassLoader(loader);
            try {
                return delegate.onResponse(exchange);
            } finally {
                t.setContextClassLoader(prev);
            }
        }

        @Override
        public StreamHook onStream(Exchange exchange) {
            Thread t = Thread.currentThread();
            ClassLoader prev = t.getContextClassLoader();
            t.setContextClassLoader(loader);
            try {
                return delegate.onStream(exchange);
            } finally {
                t.setContextClassLoader(prev);
            }
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private record ScopedBackend(Backend delegate, ClassLoader loader) implements Backend {
        @Override
        public Response handle(Exchange exchange) throws IOException {
            Thread t = Thread.currentThread();
            ClassLoader prev = t.getContextClassLoader();
            t.setContextClassLoader(loader);
            try {
                return delegate.handle(exchange);
            } finally {
                t.setContextClassLoader(prev);
            }
        }

        @Override
        public Response renderFailure(Exchange exchange, Failure failure) {
            Thread t = Thread.currentThread();
            ClassLoader prev = t.getContextClassLoader();
            t.setContextClassLoader(loader);
            try {
                return delegate.renderFailure(exchange, failure);
            } finally {
                t.setContextClassLoader(prev);
            }
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
