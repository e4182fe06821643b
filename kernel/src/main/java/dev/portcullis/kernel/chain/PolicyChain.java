package dev.portcullis.kernel.chain;

import dev.portcullis.spi.Backend;
import dev.portcullis.spi.BodyTooLargeException;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.GatewayException;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.StreamHook;
import dev.portcullis.spi.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a route's policies around its backend: request phases in order, the backend, then response
 * phases in reverse order for every policy whose request phase ran and let the exchange through.
 * Errors become {@link Failure}s rendered in the route's protocol; nothing escapes as a stack trace.
 */
public final class PolicyChain {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyChain.class);

    private final Policy[] policies;
    private final Backend backend;

    /** A chain of {@code policies} ending in {@code backend}. */
    public PolicyChain(List<Policy> policies, Backend backend) {
        this.policies = policies.toArray(Policy[]::new);
        this.backend = backend;
    }

    /** The policies, in order. */
    public List<Policy> policies() {
        return List.of(policies);
    }

    /** The backend. */
    public Backend backend() {
        return backend;
    }

    /** Runs the chain; always returns a response (possibly a rendered failure). */
    public Response execute(DefaultExchange ex) {
        int passed = 0; // policies whose request phase let the exchange through
        Response response = null;
        try {
            for (; passed < policies.length; passed++) {
                Verdict v = policies[passed].onRequest(ex);
                if (!(v instanceof Verdict.Proceed)) {
                    response = toResponse(ex, v);
                    break;
                }
            }
            if (response == null) {
                response = callBackend(ex);
            }
        } catch (GatewayException e) {
            response = render(ex, e.failure());
        } catch (BodyTooLargeException e) {
            // the client's body outgrew the gateway's limit while a policy or the backend read it
            response = render(ex, Failure.of(413, "body-too-large", "Payload too large",
                    "the request body is larger than the gateway accepts (" + e.limit() + " bytes)"));
        } catch (RuntimeException e) {
            response = internalError(ex, "policy " + describe(passed), e);
        }
        ex.response(response);
        for (int i = passed - 1; i >= 0; i--) {
            try {
                Verdict v = policies[i].onResponse(ex);
                if (!(v instanceof Verdict.Proceed)) {
                    ex.response().body().discard();
                    ex.response(toResponse(ex, v));
                }
            } catch (GatewayException e) {
                ex.response().body().discard();
                ex.response(render(ex, e.failure()));
            } catch (RuntimeException e) {
                ex.response().body().discard();
                ex.response(internalError(ex, "policy " + describe(i) + " (response phase)", e));
            }
        }
        return ex.response();
    }

    /**
     * The stream hooks of the policies that ran, in response order (last policy first), or an
     * empty list when none wants to see events.
     */
    public List<StreamHook> streamHooks(DefaultExchange ex) {
        List<StreamHook> hooks = null;
        for (int i = policies.length - 1; i >= 0; i--) {
            StreamHook h = policies[i].onStream(ex);
            if (h != null) {
                if (hooks == null) {
                    hooks = new ArrayList<>(2);
                }
                hooks.add(h);
            }
        }
        return hooks == null ? List.of() : hooks;
    }

    private Response callBackend(DefaultExchange ex) {
        try {
            return backend.handle(ex);
        } catch (GatewayException e) {
            return render(ex, e.failure());
        } catch (IOException | UncheckedIOException e) {
            return render(ex, Failure.of(502, "upstream-error", "Bad gateway",
                    "the upstream failed: " + e.getMessage()));
        }
    }

    private Response toResponse(DefaultExchange ex, Verdict v) {
        return switch (v) {
            case Verdict.Reject r -> render(ex, r.failure());
            case Verdict.Respond r -> r.response();
            case Verdict.Proceed p -> throw new IllegalStateException("not a final verdict");
        };
    }

    /** Renders a failure in the backend's protocol, else as problem+json. */
    public Response render(DefaultExchange ex, Failure failure) {
        Response custom = null;
        try {
            custom = backend.renderFailure(ex, failure);
        } catch (RuntimeException e) {
            LOG.warn("backend failed to render a failure for request {}: {}", ex.requestId(), e.toString());
        }
        return custom != null ? custom : Problems.response(failure, ex.request().path(), ex.requestId());
    }

    private Response internalError(DefaultExchange ex, String where, RuntimeException e) {
        LOG.error("request {} failed in {}", ex.requestId(), where, e);
        return render(ex, Failure.of(500, "internal-error", "Internal error",
                "the gateway failed to process this request; quote request id " + ex.requestId()));
    }

    private String describe(int index) {
        if (index >= policies.length) {
            return "backend";
        }
        return "#" + index + " (" + policies[index].getClass().getSimpleName() + ")";
    }
}
