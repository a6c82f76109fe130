package dev.burrow.edge.admin;

import io.netty.handler.codec.http.FullHttpRequest;

/**
 * A request {@link AdminGate} let through to {@link AdminApi}, with who sent it as the audit log names them
 * ({@code admin} for the bearer token, {@code admin-session:…} for a dashboard session, {@code anonymous} for the
 * probes and for a request the decoder could not read) and whether its reads are audited: a dashboard refreshes
 * every list each 2 s while it is open, which would bury the changes in the log, and its login is audited already.
 * Whoever takes it releases its request.
 */
record AdminCall(FullHttpRequest request, String actor, boolean readsAudited) {
}
