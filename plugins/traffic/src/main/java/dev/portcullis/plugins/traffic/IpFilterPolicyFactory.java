package dev.portcullis.plugins.traffic;

import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Verdict;
import java.util.List;
import org.pf4j.Extension;

/** {@code type: ip-filter}: admits or refuses clients by IP address (403 {@code ip-denied}). */
@Extension
public final class IpFilterPolicyFactory implements PolicyFactory<IpFilterConfig> {

    @Override
    public String type() {
        return "ip-filter";
    }

    @Override
    public Class<IpFilterConfig> configType() {
        return IpFilterConfig.class;
    }

    @Override
    public Policy create(IpFilterConfig config, PluginContext context) {
        return new IpFilter(parse(config.allow(), "allow"), parse(config.deny(), "deny"));
    }

    @Override
    public String description() {
        return "Allow or deny clients by IPv4/IPv6 network (CIDR)";
    }

    private static Cidr[] parse(List<String> cidrs, String field) {
        Cidr[] out = new Cidr[cidrs.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = Cidr.parse(cidrs.get(i));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(field + "[" + i + "]", e.getMessage());
            }
        }
        return out;
    }

    /** The policy: deny wins; a non-empty allow list admits only its networks. */
    static final class IpFilter implements Policy {

        private final Cidr[] allow;
        private final Cidr[] deny;

        IpFilter(Cidr[] allow, Cidr[] deny) {
            this.allow = allow;
            this.deny = deny;
        }

        @Override
        public Verdict onRequest(Exchange exchange) {
            String clientIp = exchange.request().clientIp();
            byte[] address = IpAddresses.parse(clientIp);
            if (address == null) {
                // Fail closed: an address we cannot read cannot be shown to be allowed.
                return refuse("client address '" + clientIp + "' could not be read");
            }
            address = IpAddresses.unmapped(address);
            if (anyContains(deny, address)) {
                return refuse("client address " + clientIp + " is denied");
            }
            if (allow.length > 0 && !anyContains(allow, address)) {
                return refuse("client address " + clientIp + " is not in the allowed networks");
            }
            return Verdict.proceed();
        }

        private static boolean anyContains(Cidr[] networks, byte[] address) {
            for (Cidr network : networks) {
                if (network.contains(address)) {
                    return true;
                }
            }
            return false;
        }

        private static Verdict refuse(String detail) {
            return Verdict.reject(403, "ip-denied", "Client address not allowed", detail);
        }
    }
}
