package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.Phase;
import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.proxy.Cidr;
import dev.burrow.transport.ErrorPages;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code restrict-ips}: a client whose address is in a {@code deny} block, or in no {@code allow} block when any is
 * given, gets 403 (a connection is refused). The address is the real client's: from a PROXY header or trusted proxy
 * where the edge takes one.
 */
final class RestrictIps implements Action {
    private final List<Cidr> allow;
    private final List<Cidr> deny;

    RestrictIps(ActionConfig config) throws PolicyException {
        config.only("allow", "deny", "enforce");
        allow = blocks(config, "allow");
        deny = blocks(config, "deny");
        if (allow.isEmpty() && deny.isEmpty()) {
            throw config.problem("config needs 'allow' or 'deny', a list of CIDR blocks");
        }
    }

    @Override
    public void apply(PolicyContext context) {
        InetAddress address = context.client().getAddress();
        if (Cidr.anyContains(deny, address) || !allow.isEmpty() && !Cidr.anyContains(allow, address)) {
            if (context.phase() == Phase.ON_TCP_CONNECT) {
                context.refuse();
            } else {
                context.answer(ErrorPages.page(ByteBufAllocator.DEFAULT, HttpResponseStatus.FORBIDDEN,
                        "policy_ip_restricted", "Forbidden", "This tunnel does not take requests from your address."));
            }
        }
    }

    private static List<Cidr> blocks(ActionConfig config, String key) throws PolicyException {
        List<Cidr> blocks = new ArrayList<>();
        for (String block : config.strings(key)) {
            try {
                blocks.add(Cidr.parse(block));
            } catch (IllegalArgumentException e) {
                throw config.problem(key + ": " + e.getMessage());
            }
        }
        return blocks;
    }
}
