package dev.portcullis.plugins.lifecycle;

/**
 * One way a request or response differs from its OpenAPI description.
 *
 * @param location {@code path}, {@code query}, {@code header} or {@code body}
 * @param pointer  a JSON pointer into the location: {@code /limit} for a parameter, {@code /tags/0}
 *                 inside a body ({@code ""} for the body itself)
 * @param message  what is wrong, for humans
 */
public record Violation(String location, String pointer, String message) {}
