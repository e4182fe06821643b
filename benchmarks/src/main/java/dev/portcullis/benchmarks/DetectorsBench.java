package dev.portcullis.benchmarks;

import dev.portcullis.detect.Detector;
import dev.portcullis.detect.DetectorRegistry;
import dev.portcullis.detect.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The PII detectors alone, over the message of the mail the API gate inspects
 * ({@link MailBody#message}: ~3.3 KB of English support prose, as the JSON parser hands it to the
 * {@code inspect} policy). No JSON, no policy: one call of {@link Detector#scan} per detector into a
 * reused list, the way the policy calls them for one value. Successive calls alternate between two
 * equal copies of the text: detectors may share work on one String object (the digit searches),
 * never across requests, which each bring their own.
 * <ul>
 *   <li>{@code detector}: one of the five detectors of the mail rule ({@code email}, {@code phone},
 *       {@code payment-card}, {@code iban}, {@code us-ssn}), or {@code five}: all five in turn over
 *       the same text (what {@code anyDetector: [email, phone, payment-card, iban, us-ssn]} costs
 *       for one value).</li>
 *   <li>{@code text}: {@code clean}, the load test's message, which holds no digit, no {@code @}
 *       and nothing to find; {@code clean-utf16}, the same with one em dash in the closing line,
 *       which makes the JDK store the string as UTF-16 instead of Latin-1 (as any curly quote,
 *       accent outside Latin-1 or emoji does); or {@code pii}, the prose quoting
 *       {@link MailBody#CUSTOMER_RECORD} (one e-mail address, phone number, card number and IBAN:
 *       five findings over the five detectors, as the phone detector also reads the IBAN's tail
 *       {@code 0044 0532 0130 00} as an international number).</li>
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar DetectorsBench -f 1 -wi 3 -w 2s -i 5 -r 2s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DetectorsBench {

    /** The detectors of the mail rule, in its order. */
    public static final List<String> FIVE = List.of("email", "phone", "payment-card", "iban", "us-ssn");

    /** A detector name, or {@code five}; see the class comment. */
    @Param({"email", "phone", "payment-card", "iban", "us-ssn", "five"})
    public String detector;

    /** {@code clean} or {@code pii}; see the class comment. */
    @Param({"clean", "clean-utf16", "pii"})
    public String text;

    private Detector[] detectors;
    private String message;
    /** Two equal copies of the message, scanned in turn: each call sees another String, as each request does. */
    private String[] copies;
    private int call;
    private final List<Span> out = new ArrayList<>(8);

    /** Looks the detectors up and builds the message. */
    @Setup(Level.Trial)
    public void setUp() {
        List<String> names = detector.equals("five") ? FIVE : List.of(detector);
        detectors = names.stream()
                .map(n -> DetectorRegistry.builtIn().find(n).orElseThrow(() -> new IllegalArgumentException("no detector " + n)))
                .toArray(Detector[]::new);
        message = switch (text) {
            case "clean" -> MailBody.message(false);
            case "clean-utf16" -> MailBody.message(false).replace("Kind regards,", "Kind regards \u2014");
            case "pii" -> MailBody.message(true);
            default -> throw new IllegalArgumentException("unknown text " + text);
        };
        copies = new String[] {message, new String(message)};
    }

    /** Runs the detectors over the message; returns the number of findings. */
    @Benchmark
    public int scan() {
        out.clear();
        String value = copies[call++ & 1];
        for (Detector d : detectors) {
            d.scan(value, out);
        }
        return out.size();
    }

    /** The findings of the last {@link #scan()}. */
    List<Span> findings() {
        return out;
    }

    /** The text scanned. */
    String message() {
        return message;
    }
}
