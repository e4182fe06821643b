package dev.portcullis.kernel.eval;

import dev.portcullis.kernel.runtime.CompiledConfig;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code portcullis eval guard|cache --data FILE --use NAME}: measures a configured guard or
 * cache on labelled data, with the config's own components (the same model, thresholds and
 * detectors as in production).
 */
public final class EvalCommand {

    private EvalCommand() {}

    /**
     * Runs one evaluation and returns the exit code.
     *
     * @param what   {@code guard} or {@code cache}
     * @param config the compiled config holding the policy or component {@code use}
     * @param data   the JSONL file of labelled items
     * @param use    the name of the policy or component to measure
     */
    public static int run(String what, CompiledConfig config, Path data, String use, PrintStream out, PrintStream err) {
        return switch (what) {
            case "guard" -> GuardEval.run(config, data, use, out, err);
            case "cache" -> CacheEval.run(config, data, use, out, err);
            default -> {
                err.println("portcullis: eval needs guard or cache, not " + what);
                yield 2;
            }
        };
    }
}
