/**
 * The edge's policy phases, the hooks where access control and traffic policy plug in. Each phase is a small
 * interface; {@link dev.burrow.edge.policy.PolicyPhases} holds one of each and goes to
 * {@link dev.burrow.edge.Edge#start(dev.burrow.edge.EdgeConfig, PolicyPhases)}.
 *
 * <ul>
 *   <li>{@link dev.burrow.edge.policy.RequestPhase}: each public HTTP request (HTTP/1.1 and HTTP/2), after routing
 *       and before its tunnel's stream opens: let it through, change it, or answer at the edge; asynchronously.</li>
 *   <li>{@link dev.burrow.edge.policy.ResponsePhase}: each agent's response head, before the client sees it: change
 *       its fields.</li>
 *   <li>{@link dev.burrow.edge.policy.ConnectionPhase}: each public connection of a TCP or TLS tunnel, before its
 *       stream to the agent opens: allow or refuse; asynchronously.</li>
 * </ul>
 *
 * <p>Every phase is called on the connection's event loop and must not block it: a decision that needs I/O returns
 * a stage completed later, from any thread; the edge applies it on the loop. A decision is bounded by
 * {@link dev.burrow.edge.EdgeConfig#policyTimeout()}.
 */
package dev.burrow.edge.policy;
