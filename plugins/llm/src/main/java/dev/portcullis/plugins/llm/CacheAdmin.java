package dev.portcullis.plugins.llm;

import dev.portcullis.spi.AdminRequest;
import dev.portcullis.spi.Response;
import java.util.List;

/**
 * The admin API both response caches share, at {@code /api/routes/<route>/admin/cache}:
 * {@code GET} the stats, {@code DELETE} every entry, {@code DELETE /<consumer>} one consumer's
 * entries ({@code DELETE /*} the global scope's).
 */
final class CacheAdmin {

    static final String NAME = "cache";

    /** What an admin request may do to a cache. */
    interface Target {
        String statsJson();

        long clear();

        long clear(String scope);
    }

    private CacheAdmin() {}

    static Response handle(AdminRequest request, Target cache) {
        List<String> path = request.segments();
        if (path.size() > 1 || (path.size() == 1 && path.get(0).isEmpty())) {
            return error(404, "unknown path; use /cache or /cache/<consumer>");
        }
        return switch (request.method()) {
            case "GET" -> path.isEmpty() ? Response.json(200, cache.statsJson()) : error(405, "GET the cache itself, DELETE a consumer");
            case "DELETE" -> {
                if (path.isEmpty()) {
                    yield Response.json(200, "{\"removed\":" + cache.clear() + "}");
                }
                String scope = path.get(0);
                yield Response.json(200, "{\"scope\":" + Json.MAPPER.valueToTree(scope) + ",\"removed\":" + cache.clear(scope) + "}");
            }
            default -> error(405, "use GET or DELETE");
        };
    }

    private static Response error(int status, String message) {
        return Response.json(status, "{\"error\":" + Json.MAPPER.valueToTree(message) + "}");
    }
}
