package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.Phase;
import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.transport.ErrorPages;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;

/** {@code deny}: answers with an error page ({@code status_code}, 403 by default); a connection is refused. */
final class Deny implements Action {
    private final HttpResponseStatus status;

    Deny(ActionConfig config) throws PolicyException {
        config.only("status_code");
        status = HttpResponseStatus.valueOf(config.integer("status_code", 403, 400, 599));
    }

    @Override
    public void apply(PolicyContext context) {
        if (context.phase() == Phase.ON_TCP_CONNECT) {
            context.refuse();
            return;
        }
        context.answer(ErrorPages.page(ByteBufAllocator.DEFAULT, status, "policy_denied", status.reasonPhrase(),
                "The tunnel's traffic policy does not let this request through."));
    }
}
