package dev.burrow.transport;

import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2LocalFlowController;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.WeightedFairQueueByteDistributor;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Every HTTP/2 limit Burrow uses, set explicitly in one place because Netty's defaults lag the advisories (Rapid
 * Reset, CONTINUATION flood): the agent connection, sized for one connection that carries a whole tunnel's traffic;
 * public HTTP/2 connections, whose clients open the streams and so meet the flood limits; and the agent's
 * connections to HTTP/2 upstreams.
 */
public final class Http2Tuning {
    /** Per-stream window: large enough that one bulk stream is not capped by round trips on a fast path. */
    public static final int STREAM_WINDOW = 4 * 1024 * 1024;
    /** Connection window, raised right after the preface so many streams can run at full speed together. */
    public static final int CONNECTION_WINDOW = 64 * 1024 * 1024;
    /**
     * What the paused streams of one connection may hold together: each holds up to {@link #STREAM_WINDOW}, so 64
     * streams may wait on consumers that stopped reading before the longest waiting is reset.
     */
    static final long PAUSED_STREAM_BUDGET = 256L * 1024 * 1024;
    public static final int MAX_FRAME_SIZE = 64 * 1024;
    public static final int MAX_HEADER_LIST_SIZE = 64 * 1024;
    /**
     * Streams the edge may open on one agent connection at once, by default; the control stream is one of them.
     * Beyond it the edge answers 503 tunnel_busy.
     */
    public static final int MAX_CONCURRENT_STREAMS = 10_000;
    private static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;
    /**
     * Bytes one stream may send before the next ready stream's turn. Netty's default of 1 KiB cuts every
     * stream's data into 1 KiB frames as soon as a few streams send together, and the receiving side then writes
     * 1 KiB at a time to each public socket: 64 concurrent downloads moved about a fifth of one download's
     * throughput. One full frame per turn keeps the same fairness at the cost of one frame of delay.
     */
    static final int ALLOCATION_QUANTUM = MAX_FRAME_SIZE;
    /**
     * A tunnel connection returns a stream's window once an eighth of it was taken, not half (Netty's default): the
     * sender then waits less often for a window the receiver holds back. Over a 50 ms round trip one stream went from
     * 0.42x to 0.54x plain TCP, and on loopback from 563 to 702 MB/s (bench/results/2026-12-07-0441-flow.md and
     * -0450-flow.md), for a few more WINDOW_UPDATE frames.
     */
    static final float WINDOW_UPDATE_RATIO = 0.875f;
    private static final int MAX_CONSECUTIVE_EMPTY_DATA = 2;
    private static final int MAX_SMALL_CONTINUATION = 16;

    /** Per-stream receive window of a public connection: what one public upload may have in flight. */
    public static final int PUBLIC_STREAM_WINDOW = 1024 * 1024;
    /**
     * Receive window of a whole public connection. Unlike the agent connection's it is returned only as the streams'
     * bytes are relayed, so it bounds what one public connection can make the edge hold, however many streams it
     * opens; a client whose upload waits on a slow upstream slows only its own connection.
     */
    public static final int PUBLIC_CONNECTION_WINDOW = 4 * 1024 * 1024;
    /** The smallest frame size HTTP/2 allows: each frame is held whole before it is checked. */
    private static final int PUBLIC_MAX_FRAME_SIZE = 16 * 1024;
    /**
     * Resets a public connection may cause in {@link #PUBLIC_RESET_WINDOW_SECONDS}, counting those the client sends
     * (Rapid Reset) and those its frames make the edge send (MadeYouReset); beyond it the connection gets GOAWAY
     * ENHANCE_YOUR_CALM. Every stream a client opens costs a stream to the agent, so resets are cheap to send and
     * dear to serve.
     */
    private static final int PUBLIC_MAX_RESETS = 200;
    private static final int PUBLIC_RESET_WINDOW_SECONDS = 30;

    private Http2Tuning() {
    }

    /** The edge dials nothing, but plays the HTTP/2 client on the connection the agent opened. */
    public static Http2FrameCodec edgeCodec() {
        return clientCodec(false);
    }

    /**
     * The agent's client toward an upstream that speaks HTTP/2: the same settings as the edge's client, since the
     * connection plays the same part, many streams of one tunnel over one connection. Streams beyond the upstream's
     * SETTINGS_MAX_CONCURRENT_STREAMS wait in the codec until others end, rather than fail.
     */
    public static Http2FrameCodec upstreamCodec() {
        return clientCodec(true);
    }

    private static Http2FrameCodec clientCodec(boolean waitForStreamSlots) {
        Http2Settings settings = baseSettings()
                .pushEnabled(false)
                // The peer (the agent, or an upstream) never opens streams toward this side.
                .maxConcurrentStreams(0);
        return tune(new FairShareCodecBuilder(false).initialSettings(settings))
                .encoderEnforceMaxConcurrentStreams(waitForStreamSlots)
                .build();
    }

    /**
     * The edge's server toward public HTTP/2 clients. Here the clients open the streams, so every flood limit
     * applies; the connection window is raised to {@link #PUBLIC_CONNECTION_WINDOW} by a {@link ConnectionWindow}.
     *
     * @param maxConcurrentStreams streams one public connection may have open at once; more are refused
     * @param maxHeaderListSize the largest header block accepted, as HTTP/2 counts it; a larger one is answered 431
     */
    public static Http2FrameCodec publicCodec(int maxConcurrentStreams, int maxHeaderListSize) {
        Http2Settings settings = new Http2Settings()
                .maxConcurrentStreams(maxConcurrentStreams)
                .initialWindowSize(PUBLIC_STREAM_WINDOW)
                .maxFrameSize(PUBLIC_MAX_FRAME_SIZE)
                .maxHeaderListSize(maxHeaderListSize)
                .headerTableSize(4096);
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(PUBLIC_MAX_RESETS, PUBLIC_RESET_WINDOW_SECONDS)
                .encoderEnforceMaxRstFramesPerWindow(PUBLIC_MAX_RESETS, PUBLIC_RESET_WINDOW_SECONDS)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_CONSECUTIVE_EMPTY_DATA)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATION)
                .gracefulShutdownTimeoutMillis(0)
                .build();
    }

    /**
     * The agent dialed, then plays the HTTP/2 server: the edge opens a stream per public request.
     *
     * @param maxConcurrentStreams streams the edge may open at once, the control stream included
     */
    public static Http2FrameCodec agentCodec(int maxConcurrentStreams) {
        Http2Settings settings = baseSettings().maxConcurrentStreams(maxConcurrentStreams);
        return tune(new FairShareCodecBuilder(true).initialSettings(settings)).build();
    }

    /**
     * Many streams share the connection: their flushes are gathered into one TLS write per read loop (or per task
     * run), instead of one encryption and syscall for every response.
     */
    public static FlushConsolidationHandler flushConsolidation() {
        return new FlushConsolidationHandler(256, true);
    }

    /** The pacing of one connection's streams, bounded by {@link #PAUSED_STREAM_BUDGET}. */
    public static PausedStreams pausedStreams() {
        return new PausedStreams(PAUSED_STREAM_BUDGET, STREAM_WINDOW);
    }

    /**
     * Builds the codec on a connection whose outbound flow controller shares the window in slices of
     * {@link #ALLOCATION_QUANTUM}. The controller must be in place before the codec is built: the codec registers
     * its writability listener on whichever controller the connection has then.
     *
     * <p>Inbound, the connection window is returned as soon as data arrives, not when a stream's reader takes it:
     * otherwise streams whose public client stopped reading keep their unread bytes counted against the shared
     * window, and 16 of them at 4 MiB freeze every other stream of the tunnel. Each stream's own window still bounds
     * what it holds, and {@link PausedStreams} bounds how many may hold it.
     */
    private static final class FairShareCodecBuilder extends Http2FrameCodecBuilder {
        /** The role, which the connection given to the builder decides; the builder's own isServer() does not know. */
        private final boolean server;

        FairShareCodecBuilder(boolean server) {
            this.server = server;
            // A client's peer may not reserve streams either (push is off): PUSH_PROMISE is refused like a stream.
            DefaultHttp2Connection connection = server ? new DefaultHttp2Connection(true)
                    : new DefaultHttp2Connection(false, 0);
            WeightedFairQueueByteDistributor distributor = new WeightedFairQueueByteDistributor(connection);
            distributor.allocationQuantum(ALLOCATION_QUANTUM);
            connection.remote().flowController(new DefaultHttp2RemoteFlowController(connection, distributor));
            connection.local().flowController(new DefaultHttp2LocalFlowController(connection, WINDOW_UPDATE_RATIO,
                    true));
            connection(connection);
        }

        /** The client's codec ends the connection at the first stream its peer opens: see {@link NoPeerStreamsCodec}. */
        @Override
        protected Http2FrameCodec build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                        Http2Settings initialSettings) {
            if (server) {
                return super.build(decoder, encoder, initialSettings);
            }
            Http2FrameCodec codec = new NoPeerStreamsCodec(encoder, decoder, initialSettings,
                    decoupleCloseAndGoAway(), flushPreface());
            codec.gracefulShutdownTimeoutMillis(gracefulShutdownTimeoutMillis());
            return codec;
        }
    }

    private static Http2Settings baseSettings() {
        return new Http2Settings()
                .initialWindowSize(STREAM_WINDOW)
                .maxFrameSize(MAX_FRAME_SIZE)
                .maxHeaderListSize(MAX_HEADER_LIST_SIZE)
                .headerTableSize(4096);
    }

    private static Http2FrameCodecBuilder tune(Http2FrameCodecBuilder builder) {
        return builder
                .validateHeaders(true)
                // No limit on resets either way. The floods such limits answer (Rapid Reset, MadeYouReset) need
                // the attacker to open streams, and here the agent may open none while the edge is the agent's
                // own verified server. Public clients that leave mid-request make the edge reset streams, and
                // each DATA frame already in flight for such a stream is answered with another reset: a limit
                // would cut the whole tunnel whenever a few dozen downloads are abandoned at once.
                .decoderEnforceMaxRstFramesPerWindow(0, 0)
                .encoderEnforceMaxRstFramesPerWindow(0, 0)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_CONSECUTIVE_EMPTY_DATA)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATION)
                .gracefulShutdownTimeoutMillis(0);
    }
}
