package dev.portcullis.spi;

/**
 * The route an exchange matched.
 *
 * @param name    the route's configured name
 * @param backend the backend type ({@code http}, {@code llm}, {@code mcp}, ...)
 */
public record RouteInfo(String name, String backend) {}
