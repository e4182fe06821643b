package dev.portcullis.plugins.llm;

import java.util.List;

/** Where the semantic cache keeps its answers: in memory on one node, or in a shared state store. */
interface CacheEntries extends AutoCloseable {

    /** The entry with exact key {@code id} in {@code scope}, or null. */
    CachedAnswer get(String scope, String id);

    /** The live entries of one partition of a scope that take part in similarity search. */
    List<CachedAnswer> partition(String scope, String partition);

    /** Stores an entry (replacing one with the same id). */
    void put(CachedAnswer entry);

    /** How many entries are held (an estimate for the admin view). */
    long size();

    /** Removes every entry; returns how many were removed (an estimate). */
    long clear();

    /** Removes the entries of one scope; returns how many. */
    long clear(String scope);

    @Override
    default void close() {}
}
