package dev.portcullis.plugins.llm;

import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.ContentPart;
import dev.portcullis.spi.llm.Message;
import dev.portcullis.spi.llm.Role;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code token-rate-limit} policy's input estimate ({@link TokenEstimator#inputTokens}) of a
 * chat request: a system prompt and one user message, each {@code chars} characters of English
 * prose. {@code resent}: the same request again, as agents resend their system prompt and the
 * conversation so far (texts of 64 characters or more are remembered by hash); {@code fresh}: new
 * texts every call (a digit changed in each), the cold path.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TokenEstimatorBench -f 1 -wi 3 -w 2s -i 5 -r 2s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenEstimatorBench {

    static final String PROSE = "Is the renewal of order 48213 charged twice? The customer says the card was debited on "
            + "the first and again on the third of the month, and asks for the second charge to be reversed before "
            + "the statement closes. Check the ledger, the payment provider's log and the refund queue. ";

    @Param({"64", "256", "2048"})
    int chars;

    TokenEstimator estimator;
    String system;
    String user;
    long counter;

    @Setup
    public void setUp() {
        estimator = new TokenEstimator();
        system = PROSE.repeat(chars / PROSE.length() + 1).substring(0, chars);
        user = new StringBuilder(system).reverse().toString();
    }

    static ChatRequest chat(String system, String user) {
        return new ChatRequest("chat", system, List.of(new Message(Role.USER, List.of(new ContentPart.Text(user)))),
                List.of(), null, 64, null, null, List.of(), false, null);
    }

    @Benchmark
    public long resent() {
        return estimator.inputTokens(chat(system, user));
    }

    @Benchmark
    public long fresh() {
        String n = Long.toString(counter++ % 1_000_000);
        return estimator.inputTokens(chat(n + system.substring(n.length()), n + user.substring(n.length())));
    }
}
