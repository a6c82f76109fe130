package dev.burrow.edge.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.edge.AgentSession;
import dev.burrow.edge.Tunnel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code /api/sessions} and {@code /api/tunnels}: what is connected and bound now, with what each served, and ending
 * a session. Answered from the edge's memory, on the listener's loop.
 */
final class LiveEndpoint {
    /** The most of an operator's reason the agent is told. */
    static final int MAX_REASON = 200;

    private final AdminEdge edge;

    LiveEndpoint(AdminEdge edge) {
        this.edge = edge;
    }

    CompletionStage<AdminAnswer> sessions(AdminRequest request) {
        ObjectNode node = AdminJson.object();
        ArrayNode list = node.putArray("sessions");
        for (AgentSession session : edge.sessions()) {
            list.add(AdminJson.session(session, edge));
        }
        return CompletableFuture.completedFuture(AdminAnswer.ok(node));
    }

    CompletionStage<AdminAnswer> session(AdminRequest request) {
        return CompletableFuture.completedFuture(AdminAnswer.ok(AdminJson.session(find(request.param(0)), edge)));
    }

    /**
     * Ends a session: its agent is told "ended by the edge's operator" (and the {@code ?reason=} given) with
     * {@code session_ended}, which it does not retry; it stays away until its user starts it again.
     */
    CompletionStage<AdminAnswer> end(AdminRequest request) {
        String id = request.param(0);
        String reason = request.query("reason");
        String told = "ended by the edge's operator" + (reason == null || reason.isBlank() ? ""
                : ": " + (reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason));
        return CompletableFuture.completedFuture(switch (edge.endSession(id, told)) {
            case ENDED -> AdminAnswer.ok(AdminJson.object().put("ended", id).put("told", told));
            case ALREADY_ENDING -> throw ApiError.conflict("session_ending", "session " + id + " is ending already");
            case NO_SUCH_SESSION -> throw noSuchSession(id);
        });
    }

    CompletionStage<AdminAnswer> tunnels(AdminRequest request) {
        ObjectNode node = AdminJson.object();
        ArrayNode list = node.putArray("tunnels");
        for (Tunnel tunnel : edge.tunnels()) {
            list.add(AdminJson.tunnel(tunnel, edge));
        }
        return CompletableFuture.completedFuture(AdminAnswer.ok(node));
    }

    private AgentSession find(String id) {
        for (AgentSession session : edge.sessions()) {
            if (session.id().equals(id)) {
                return session;
            }
        }
        throw noSuchSession(id);
    }

    private static ApiError noSuchSession(String id) {
        return ApiError.notFound("no_such_session", "no live session " + id);
    }
}
