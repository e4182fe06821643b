package dev.portcullis.spi;

/**
 * A watch on the client's connection, from {@link Exchange#watchClient()}: close it as soon as
 * the upstream call it guards is over.
 */
@FunctionalInterface
public interface ClientWatch extends AutoCloseable {

    /** A watch that never fires, for exchanges the gateway cannot watch. */
    ClientWatch NONE = () -> {};

    /**
     * Ends the watch; the calling thread will not be interrupted by it afterwards (an interrupt it
     * delivered is cleared: {@link Exchange#isCancelled()} tells whether the client went away).
     */
    @Override
    void close();
}
