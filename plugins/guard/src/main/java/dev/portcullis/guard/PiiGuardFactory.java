package dev.portcullis.guard;

import dev.portcullis.detect.Detector;
import dev.portcullis.detect.DetectorRegistry;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.PolicyFactory;
import java.util.List;
import org.pf4j.Extension;

/** Creates {@code type: pii-guard} policies. */
@Extension
public final class PiiGuardFactory implements PolicyFactory<PiiGuardConfig> {

    @Override
    public String type() {
        return "pii-guard";
    }

    @Override
    public Class<PiiGuardConfig> configType() {
        return PiiGuardConfig.class;
    }

    @Override
    public Policy create(PiiGuardConfig config, PluginContext context) {
        List<Detector> detectors = config.detectors().stream()
                .map(name -> DetectorRegistry.builtIn().find(name).orElseThrow())
                .toList();
        return new PiiGuardPolicy(config, new PiiRedactor(detectors), context);
    }

    @Override
    public String description() {
        return "PII redaction in chat requests and answers (streams included), with optional reversible placeholders";
    }
}
