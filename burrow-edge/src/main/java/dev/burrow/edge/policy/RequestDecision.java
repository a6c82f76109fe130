package dev.burrow.edge.policy;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** What the {@link RequestPhase} decided about a request. */
public sealed interface RequestDecision {
    /** Lets the request through as it is. */
    static RequestDecision allow() {
        return Allow.AS_IS;
    }

    /** Lets the request through once {@code edit} changed its fields or path; the edit runs on the event loop. */
    static RequestDecision allow(Consumer<HttpRequest> edit) {
        return new Allow(Objects.requireNonNull(edit, "edit"));
    }

    /** Answers at the edge instead: the edge sends {@code response} (a HEAD request gets its head) and releases it. */
    static RequestDecision answer(FullHttpResponse response) {
        return new Answer(Objects.requireNonNull(response, "response"));
    }

    /** {@link #allow()}, decided at once. */
    static CompletionStage<RequestDecision> allowAtOnce() {
        return CompletableFuture.completedStage(Allow.AS_IS);
    }

    /** Lets go of what the decision holds, when it is not applied. */
    void release();

    /** The request goes on to its tunnel, changed by {@code edit}. */
    record Allow(Consumer<HttpRequest> edit) implements RequestDecision {
        private static final Allow AS_IS = new Allow(request -> { });

        @Override
        public void release() {
        }
    }

    /** The client gets {@code response}, and the tunnel never sees the request. */
    record Answer(FullHttpResponse response) implements RequestDecision {
        @Override
        public void release() {
            ReferenceCountUtil.release(response);
        }
    }
}
