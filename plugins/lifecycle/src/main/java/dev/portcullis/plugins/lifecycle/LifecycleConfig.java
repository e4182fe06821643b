package dev.portcullis.plugins.lifecycle;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;

/**
 * Config of {@code lifecycle}: where a route's API version stands in its life.
 *
 * @param version           the version label the route serves ({@code v1}); stated as the
 *                          {@code api.version} attribute and named in answers
 * @param status            {@code active} (default), {@code deprecated} or {@code retired}
 * @param deprecatedAt      when the version was (or will be) deprecated, RFC 3339; sent as {@code Deprecation}
 * @param sunset            when the version stops answering, RFC 3339; sent as {@code Sunset}
 * @param link              a page for humans about the deprecation or migration; sent as {@code Link}
 * @param successor         where the next version lives ({@code /v2/orders}); sent as {@code Link rel="successor-version"}
 * @param retireAfterSunset whether a version past its sunset answers 410 whatever its status (default true)
 * @param versionHeader     a response header to name the version in, e.g. {@code API-Version}; none by default
 * @param requestedVersion  where clients may ask for a version; a request asking for another version
 *                          than this route's is refused instead of being served the wrong one
 */
public record LifecycleConfig(
        @JsonPropertyDescription("The API version this route serves, e.g. v1")
        String version,
        @JsonPropertyDescription("active (default), deprecated or retired")
        Status status,
        @JsonPropertyDescription("Deprecation date, RFC 3339 (2026-06-01T00:00:00Z); required when deprecated")
        String deprecatedAt,
        @JsonPropertyDescription("Sunset date, RFC 3339 (2027-01-01T00:00:00Z)")
        String sunset,
        @JsonPropertyDescription("A page about the deprecation or migration (absolute http(s) URL)")
        String link,
        @JsonPropertyDescription("Where the successor version lives, e.g. /v2/orders")
        String successor,
        @JsonPropertyDescription("Answer 410 once the sunset has passed, whatever the status (default true)")
        Boolean retireAfterSunset,
        @JsonPropertyDescription("Response header naming the version, e.g. API-Version (none by default)")
        String versionHeader,
        @JsonPropertyDescription("Where clients ask for a version: header, query parameter, media-type parameter")
        RequestedVersion requestedVersion) implements Validatable {

    /** Defaults. */
    public LifecycleConfig {
        status = status == null ? Status.ACTIVE : status;
        retireAfterSunset = retireAfterSunset == null ? Boolean.TRUE : retireAfterSunset;
    }

    /** The lifecycle states. */
    public enum Status {
        /** Served normally; {@code Sunset} (and a scheduled {@code Deprecation}) announced if dated. */
        ACTIVE,
        /** Served with {@code Deprecation}, {@code Sunset} and {@code Link} headers. */
        DEPRECATED,
        /** Answered 410 {@code api-retired} without calling the backend. */
        RETIRED;

        @JsonValue
        public String yaml() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Where a client states the version it wants. Any of them may be set; the first present wins
     * in the order header, query, media type.
     *
     * @param header             a request header, e.g. {@code Accept-Version}
     * @param query              a query parameter, e.g. {@code version}
     * @param mediaTypeParameter a parameter of the {@code Accept} media type, e.g. {@code version}
     *                           for {@code Accept: application/json; version=2}
     */
    public record RequestedVersion(
            @JsonPropertyDescription("Request header carrying the version, e.g. Accept-Version")
            String header,
            @JsonPropertyDescription("Query parameter carrying the version, e.g. version")
            String query,
            @JsonPropertyDescription("Accept media-type parameter carrying the version, e.g. version")
            String mediaTypeParameter) {}

    /** The deprecation instant, or null (also when unparsable: {@link #validate} reports that). */
    Instant deprecatedAtInstant() {
        return deprecatedAt == null || !HttpDates.parses(deprecatedAt) ? null : HttpDates.parse(deprecatedAt);
    }

    /** The sunset instant, or null (also when unparsable: {@link #validate} reports that). */
    Instant sunsetInstant() {
        return sunset == null || !HttpDates.parses(sunset) ? null : HttpDates.parse(sunset);
    }

    @Override
    public void validate(ConfigErrors errors) {
        boolean datesOk = true;
        if (deprecatedAt != null && !HttpDates.parses(deprecatedAt)) {
            errors.add("deprecatedAt", "not a date: '" + deprecatedAt + "' (e.g. 2026-06-01T00:00:00Z)");
            datesOk = false;
        }
        if (sunset != null && !HttpDates.parses(sunset)) {
            errors.add("sunset", "not a date: '" + sunset + "' (e.g. 2027-01-01T00:00:00Z)");
            datesOk = false;
        }
        if (status == Status.DEPRECATED && deprecatedAt == null) {
            errors.add("deprecatedAt", "required when status is deprecated (the Deprecation header carries a date)");
        }
        if (datesOk && deprecatedAt != null && sunset != null && sunsetInstant().isBefore(deprecatedAtInstant())) {
            errors.add("sunset", "is before deprecatedAt");
        }
        if (link != null && !isAbsoluteHttpUrl(link)) {
            errors.add("link", "not an absolute http(s) URL: '" + link + "'");
        }
        if (successor != null && !isUriReference(successor)) {
            errors.add("successor", "not a URL or absolute path: '" + successor + "'");
        }
        if (version != null && (version.isBlank() || !isHeaderValue(version))) {
            errors.add("version", "must be a non-empty label without control characters");
        }
        if (versionHeader != null && !isToken(versionHeader)) {
            errors.add("versionHeader", "not a valid header name: '" + versionHeader + "'");
        }
        if (version == null && versionHeader != null) {
            errors.add("version", "required with versionHeader");
        }
        if (requestedVersion != null) {
            if (version == null) {
                errors.add("version", "required with requestedVersion");
            }
            if (requestedVersion.header() == null && requestedVersion.query() == null
                    && requestedVersion.mediaTypeParameter() == null) {
                errors.add("requestedVersion", "set header, query or mediaTypeParameter");
            }
            if (requestedVersion.header() != null && !isToken(requestedVersion.header())) {
                errors.add("requestedVersion.header", "not a valid header name: '" + requestedVersion.header() + "'");
            }
            if (requestedVersion.query() != null && requestedVersion.query().isBlank()) {
                errors.add("requestedVersion.query", "must not be blank");
            }
            if (requestedVersion.mediaTypeParameter() != null && !isToken(requestedVersion.mediaTypeParameter())) {
                errors.add("requestedVersion.mediaTypeParameter", "not a valid parameter name");
            }
        }
    }

    private static boolean isAbsoluteHttpUrl(String s) {
        try {
            URI u = URI.create(s);
            return ("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme())) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isUriReference(String s) {
        try {
            URI u = URI.create(s);
            return u.isAbsolute() || s.startsWith("/");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isHeaderValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** An RFC 9110 token (header names, parameter names). */
    static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
