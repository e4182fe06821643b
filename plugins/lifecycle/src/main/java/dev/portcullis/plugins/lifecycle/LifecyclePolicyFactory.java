package dev.portcullis.plugins.lifecycle;

import dev.portcullis.plugins.lifecycle.LifecycleConfig.RequestedVersion;
import dev.portcullis.plugins.lifecycle.LifecycleConfig.Status;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Request;
import dev.portcullis.spi.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code type: lifecycle}: announces deprecation and sunset (RFC 9745 {@code Deprecation}, RFC 8594
 * {@code Sunset}, {@code Link} with {@code deprecation}, {@code sunset} and {@code successor-version}
 * relations) on every response of the route, error responses included; answers 410
 * {@code api-retired} once the version is retired or past its sunset, without calling the backend;
 * states the version as {@link ApiVersion#ATTRIBUTE}.
 *
 * <p>Put it first in the chain, so the headers also reach answers of later policies (401, 429).
 */
@Extension
public final class LifecyclePolicyFactory implements PolicyFactory<LifecycleConfig> {

    @Override
    public String type() {
        return "lifecycle";
    }

    @Override
    public Class<LifecycleConfig> configType() {
        return LifecycleConfig.class;
    }

    @Override
    public Policy create(LifecycleConfig config, PluginContext context) {
        return new Lifecycle(config);
    }

    @Override
    public String description() {
        return "API lifecycle: Deprecation/Sunset/Link headers, 410 after retirement, version attribute";
    }

    /** The policy; every header value is formatted here once. */
    static final class Lifecycle implements Policy {

        private final String version;
        private final boolean retired;
        private final Instant sunset;
        private final boolean retireAfterSunset;
        private final List<Headers.Entry> headers;
        private final String versionHeader;
        private final RequestedVersion requested;
        private final String retiredDetail;

        Lifecycle(LifecycleConfig config) {
            version = config.version();
            retired = config.status() == Status.RETIRED;
            sunset = config.sunsetInstant();
            retireAfterSunset = config.retireAfterSunset();
            versionHeader = config.versionHeader();
            requested = config.requestedVersion();
            headers = lifecycleHeaders(config);
            retiredDetail = retiredDetail(config);
        }

        private static List<Headers.Entry> lifecycleHeaders(LifecycleConfig config) {
            List<Headers.Entry> out = new ArrayList<>(5);
            Instant deprecatedAt = config.deprecatedAtInstant();
            Instant sunset = config.sunsetInstant();
            if (deprecatedAt != null) {
                out.add(new Headers.Entry("Deprecation", HttpDates.structuredDate(deprecatedAt)));
            }
            if (sunset != null) {
                out.add(new Headers.Entry("Sunset", HttpDates.httpDate(sunset)));
            }
            if (config.link() != null) {
                if (deprecatedAt != null) {
                    out.add(new Headers.Entry("Link", "<" + config.link() + ">; rel=\"deprecation\"; type=\"text/html\""));
                }
                if (sunset != null) {
                    out.add(new Headers.Entry("Link", "<" + config.link() + ">; rel=\"sunset\"; type=\"text/html\""));
                }
            }
            if (config.successor() != null) {
                out.add(new Headers.Entry("Link", "<" + config.successor() + ">; rel=\"successor-version\""));
            }
            return List.copyOf(out);
        }

        private static String retiredDetail(LifecycleConfig config) {
            StringBuilder sb = new StringBuilder("API version ");
            sb.append(config.version() == null ? "of this route" : "'" + config.version() + "'");
            Instant sunset = config.sunsetInstant();
            sb.append(sunset == null ? " has been retired" : " was retired on " + HttpDates.httpDate(sunset));
            if (config.successor() != null) {
                sb.append("; use ").append(config.successor());
            }
            if (config.link() != null) {
                sb.append("; see ").append(config.link());
            }
            return sb.toString();
        }

        @Override
        public Verdict onRequest(Exchange exchange) {
            if (version != null && !exchange.attributes().has(ApiVersion.ATTRIBUTE)) {
                exchange.attributes().set(ApiVersion.ATTRIBUTE, version);
            }
            if (isRetired(exchange)) {
                Failure gone = Failure.of(410, "api-retired", "API version retired", retiredDetail);
                for (Headers.Entry h : headers) {
                    gone.headers().add(h.name(), h.value());
                }
                return Verdict.reject(gone);
            }
            if (requested != null) {
                String asked = requestedVersion(exchange.request());
                if (asked != null && !ApiVersion.same(asked, version)) {
                    return Verdict.reject(400, "version-unsupported", "API version not served here",
                            "API version '" + asked + "' is not served at " + exchange.request().path()
                                    + "; this route serves " + version);
                }
            }
            return Verdict.proceed();
        }

        @Override
        public Verdict onResponse(Exchange exchange) {
            Headers out = exchange.response().headers();
            for (Headers.Entry h : headers) {
                if (!"Link".equals(h.name())) {
                    out.remove(h.name()); // the gateway's lifecycle is the truth, not the upstream's
                }
            }
            for (Headers.Entry h : headers) {
                out.add(h.name(), h.value());
            }
            if (versionHeader != null) {
                out.set(versionHeader, version);
            }
            return Verdict.proceed();
        }

        private boolean isRetired(Exchange exchange) {
            return retired || (retireAfterSunset && sunset != null && !exchange.clock().instant().isBefore(sunset));
        }

        /** The version the client asked for, or null when it did not ask. */
        private String requestedVersion(Request request) {
            if (requested.header() != null) {
                String v = request.headers().get(requested.header());
                if (v != null && !v.isBlank()) {
                    return v.trim();
                }
            }
            if (requested.query() != null) {
                String v = request.queryParam(requested.query()).orElse(null);
                if (v != null && !v.isBlank()) {
                    return v.trim();
                }
            }
            if (requested.mediaTypeParameter() != null) {
                for (String accept : request.headers().all("Accept")) {
                    String v = MediaTypes.parameter(accept, requested.mediaTypeParameter());
                    if (v != null) {
                        return v;
                    }
                }
            }
            return null;
        }
    }
}
