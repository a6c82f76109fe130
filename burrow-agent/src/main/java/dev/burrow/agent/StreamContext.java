package dev.burrow.agent;

import dev.burrow.agent.inspect.ExchangeLog;
import java.time.Duration;

/**
 * What the handlers of a stream the edge opened may use of the agent, and nothing more: how to dial upstreams, how
 * long an upstream may take to answer, the pooled HTTP/1.1 and shared HTTP/2 upstream connections, the inspector's
 * log (null when nothing is recorded), and where an upstream's failures are told to the agent's user.
 */
record StreamContext(UpstreamTransport transport, Duration responseTimeout, UpstreamPool pool,
                     Http2Upstreams http2Upstreams, ExchangeLog exchangeLog, UpstreamFailureLog upstreamFailures) {
}
