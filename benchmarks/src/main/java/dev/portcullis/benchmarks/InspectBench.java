package dev.portcullis.benchmarks;

import dev.portcullis.inspect.InspectPolicyFactory;
import dev.portcullis.kernel.chain.DefaultExchange;
import dev.portcullis.kernel.chain.PolicyChain;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.RouteInfo;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Content inspection of a 4,096-byte JSON mail ({@link MailBody}: ~3 KB of prose quoting one
 * customer record, plus recipients, headers, attachment and metadata) through the {@code inspect}
 * policy, built by {@link InspectPolicyFactory}. Each invocation gives a {@link FixedRequest}
 * ({@code POST /mail/send}, {@code Content-Type: application/json}) a fresh buffered body of those
 * bytes and runs a {@link PolicyChain} of the one policy around a backend answering 200, on a new
 * {@link DefaultExchange}: parse the JSON, evaluate the rules, and block, redact or pass.
 * <ul>
 *   <li>{@code internal}: the mail rule of the design story, {@link #MAIL_DLP}, for a message to
 *       {@code colleague@example.com}: the recipient condition fails, so the detectors never run
 *       over the message (the rule short-circuits). 200.</li>
 *   <li>{@code external}: the same rule, to {@code attacker@evil.test}: the recipient condition
 *       holds, five detectors run over {@code $.body} and find the record; blocked with a rendered
 *       403 problem+json.</li>
 *   <li>{@code redact}: {@link #REDACT} to the external recipient: the same five detectors over
 *       {@code $.body}, the findings masked in place and the body re-serialised. 200.</li>
 *   <li>{@code all-detectors}: {@link #ALL_DETECTORS}: all eight built-in detectors over every value
 *       of the body (no {@code field}), shadow mode ({@code action: log}): findings counted, body
 *       untouched. 200.</li>
 * </ul>
 * The policy logs one INFO line per matching rule; that logger is set to WARNING here, so the
 * numbers exclude writing the line (which in the gateway goes to the console handler).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar InspectBench -f 1 -wi 3 -w 2s -i 5 -r 2s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InspectBench {

    /** The mail-API rule of the design story. */
    public static final String MAIL_DLP = """
            type: inspect
            action: block
            rules:
              - name: external-mail-with-pii
                when:
                  - field: $.to[*]
                    emailDomainNotIn: [example.com]
                  - field: $.body
                    anyDetector: [email, phone, payment-card, iban, us-ssn]
            """;

    /** Masks customer data in the message instead of blocking. */
    public static final String REDACT = """
            type: inspect
            action: redact
            mask: { keepLast: { payment-card: 4 } }
            rules:
              - name: pii
                when: [ { field: $.body, detector: [email, phone, payment-card, iban, us-ssn] } ]
            """;

    /** Every built-in detector over the whole body, shadow mode. */
    public static final String ALL_DETECTORS = """
            type: inspect
            action: log
            rules:
              - name: anything
                when: [ { detector: [email, phone, payment-card, iban, us-ssn, ipv4, ipv6, secret] } ]
            """;

    /** Kept so the level set in {@link #setUp()} is not lost with a collected logger. */
    private static final Logger INSPECT_LOG = Logger.getLogger("dev.portcullis.inspect.InspectPolicy");

    private static final RouteInfo ROUTE = new RouteInfo("mail", "http");

    /** Which rule and recipient; see the class comment. */
    @Param({"internal", "external", "redact", "all-detectors"})
    public String scenario;

    private final Clock clock = Clock.systemUTC();
    private BenchContext context;
    private Policy policy;
    private PolicyChain chain;
    private byte[] body;
    FixedRequest request;

    /** Builds the policy and the body. */
    @Setup(Level.Trial)
    public void setUp() {
        INSPECT_LOG.setLevel(java.util.logging.Level.WARNING);
        context = new BenchContext();
        String config = switch (scenario) {
            case "internal", "external" -> MAIL_DLP;
            case "redact" -> REDACT;
            case "all-detectors" -> ALL_DETECTORS;
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        };
        body = MailBody.json(scenario.equals("internal") ? "colleague@example.com" : "attacker@evil.test");
        policy = Factories.policy(new InspectPolicyFactory(), config, context);
        chain = new PolicyChain(List.of(policy), new OkBackend());
        request = new FixedRequest("POST", "/mail/send", "mail.example.com",
                "Host", "mail.example.com", "Content-Type", "application/json",
                "Content-Length", Integer.toString(body.length), "User-Agent", "bench/1.0");
    }

    /** Closes the policy and the context. */
    @TearDown(Level.Trial)
    public void tearDown() {
        policy.close();
        context.close();
    }

    /** Inspects the body and answers. */
    @Benchmark
    public Response inspect() {
        request.body(Body.of(body));
        return chain.execute(new DefaultExchange("bench-1", request, ROUTE, clock));
    }
}
