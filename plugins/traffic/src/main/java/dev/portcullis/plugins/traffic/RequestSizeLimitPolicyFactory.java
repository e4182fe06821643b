package dev.portcullis.plugins.traffic;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Request;
import dev.portcullis.spi.Verdict;
import org.pf4j.Extension;

/**
 * {@code type: request-size-limit}: refuses request bodies over {@code maxBody} with 413
 * {@code body-too-large}. A declared length over the limit is refused before anything is read;
 * a chunked body is counted as it streams to the backend and cut off when it passes the limit.
 */
@Extension
public final class RequestSizeLimitPolicyFactory implements PolicyFactory<RequestSizeLimitConfig> {

    @Override
    public String type() {
        return "request-size-limit";
    }

    @Override
    public Class<RequestSizeLimitConfig> configType() {
        return RequestSizeLimitConfig.class;
    }

    @Override
    public Policy create(RequestSizeLimitConfig config, PluginContext context) {
        return new SizeLimit(config.maxBody().bytes());
    }

    @Override
    public String description() {
        return "Refuse request bodies larger than maxBody (413), also for chunked uploads";
    }

    /** The failure for a body over {@code limit} bytes; {@code length} is -1 when not declared. */
    static Failure tooLarge(long length, long limit) {
        String detail = length < 0
                ? "request body exceeds the limit of " + limit + " bytes"
                : "request body of " + length + " bytes exceeds the limit of " + limit + " bytes";
        return Failure.of(413, "body-too-large", "Request body too large", detail);
    }

    /** The policy. */
    static final class SizeLimit implements Policy {

        private final long limit;

        SizeLimit(long limit) {
            this.limit = limit;
        }

        @Override
        public Verdict onRequest(Exchange exchange) {
            Request request = exchange.request();
            Body body = request.body();
            long length = body.length() >= 0 ? body.length() : declaredLength(request);
            if (length > limit) {
                return Verdict.reject(tooLarge(length, limit));
            }
            if (body.length() < 0) {
                request.body(Body.of(new LimitedInputStream(body.stream(), limit), -1));
            }
            return Verdict.proceed();
        }

        /** Content-Length when the body's length is unknown to the SPI but the client declared one. */
        private static long declaredLength(Request request) {
            String header = request.headers().get("Content-Length");
            if (header == null) {
                return -1;
            }
            try {
                return Long.parseLong(header.trim());
            } catch (NumberFormatException e) {
                return -1; // the listener refuses malformed framing; nothing to add here
            }
        }
    }
}
