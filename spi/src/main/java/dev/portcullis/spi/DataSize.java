package dev.portcullis.spi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A size in bytes, written in config as a number or with a unit: {@code 512}, {@code 16KB},
 * {@code 16KiB}, {@code 10MB}, {@code 1GiB} (KB = 1000, KiB = 1024).
 *
 * @param bytes the size in bytes, never negative
 */
public record DataSize(long bytes) {

    /** Refuses negative sizes. */
    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
    }

    /** A size of {@code bytes}. */
    public static DataSize ofBytes(long bytes) {
        return new DataSize(bytes);
    }

    /** Parses {@code 10MB}, {@code 64KiB}, {@code 1024}. */
    @JsonCreator
    public static DataSize parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a size: '" + text + "' (e.g. 512, 16KiB, 10MB)");
        }
        long n = Long.parseLong(s.substring(0, i));
        long unit = switch (s.substring(i)) {
            case "", "B" -> 1L;
            case "KB" -> 1_000L;
            case "KIB", "K" -> 1L << 10;
            case "MB" -> 1_000_000L;
            case "MIB", "M" -> 1L << 20;
            case "GB" -> 1_000_000_000L;
            case "GIB", "G" -> 1L << 30;
            default -> throw new IllegalArgumentException("unknown size unit in '" + text + "' (B, KB, KiB, MB, MiB, GB, GiB)");
        };
        return new DataSize(Math.multiplyExact(n, unit));
    }

    /** Binds a plain number of bytes. */
    @JsonCreator
    public static DataSize ofNumber(long bytes) {
        return new DataSize(bytes);
    }

    @JsonValue
    @Override
    public String toString() {
        return bytes + "B";
    }
}
