package dev.portcullis.kernel.plugin;

/** The gateway's version, from the kernel jar's manifest (or "dev" when run from classes). */
public final class KernelVersion {

    private KernelVersion() {}

    /** The version string. */
    public static String get() {
        String v = KernelVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
