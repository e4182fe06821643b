package dev.portcullis.plugins.mcp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which upstream owns a resource URI. Resource URIs are relayed unchanged (they appear inside tool
 * results and links), so ownership is learned from listings: exact URIs from
 * {@code resources/list}, and the literal head of each URI template from
 * {@code resources/templates/list}.
 */
final class ResourceRoutes {

    private static final int MAX_URIS = 50_000;

    private record TemplateHead(String prefix, String server) {}

    private final Map<String, String> byUri = new ConcurrentHashMap<>();
    private final List<TemplateHead> templates = new CopyOnWriteArrayList<>();

    void learnUri(String uri, String server) {
        if (byUri.size() < MAX_URIS) {
            byUri.put(uri, server);
        }
    }

    void learnTemplate(String uriTemplate, String server) {
        int brace = uriTemplate.indexOf('{');
        String head = brace < 0 ? uriTemplate : uriTemplate.substring(0, brace);
        if (head.isEmpty()) {
            return;
        }
        for (TemplateHead t : templates) {
            if (t.prefix.equals(head) && t.server.equals(server)) {
                return;
            }
        }
        if (templates.size() < 1000) {
            templates.add(new TemplateHead(head, server));
        }
    }

    /** The owner of {@code uri} if known (the longest template head wins), else null. */
    String owner(String uri) {
        String s = byUri.get(uri);
        if (s != null) {
            return s;
        }
        TemplateHead best = null;
        for (TemplateHead t : templates) {
            if (uri.startsWith(t.prefix) && (best == null || t.prefix.length() > best.prefix.length())) {
                best = t;
            }
        }
        return best == null ? null : best.server;
    }
}
