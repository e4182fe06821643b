package dev.portcullis.kernel.server;

import java.util.concurrent.ThreadLocalRandom;

/** Accepts a client's request id when it is sane, or makes a new one (128 random bits, hex). */
public final class RequestIds {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {}

    /** {@code given} when it is 1–128 characters of {@code [A-Za-z0-9._:-]}, else a new id. */
    public static String acceptOrCreate(String given) {
        return given != null && isSane(given) ? given : create();
    }

    /** A new random id: 32 hex characters. */
    public static String create() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] out = new char[32];
        long a = r.nextLong();
        long b = r.nextLong();
        for (int i = 0; i < 16; i++) {
            out[i] = HEX[(int) (a >>> (60 - 4 * i)) & 0xF];
            out[16 + i] = HEX[(int) (b >>> (60 - 4 * i)) & 0xF];
        }
        return new String(out);
    }

    /** Whether {@code s} is 1–128 characters of {@code [A-Za-z0-9._:-]}: safe to echo and log. */
    public static boolean isSane(String s) {
        int n = s.length();
        if (n == 0 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
