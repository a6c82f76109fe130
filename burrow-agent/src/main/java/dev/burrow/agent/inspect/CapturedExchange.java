package dev.burrow.agent.inspect;

import io.netty.buffer.ByteBuf;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP exchange through a tunnel as the inspector shows it: filled in on the stream's event loop while it
 * runs, read from any thread through {@link #view()}.
 */
public final class CapturedExchange {
    /** Where an exchange stands. */
    public enum State { IN_PROGRESS, COMPLETE, RESET }

    /** WebSocket frames kept per exchange; later ones are only counted. */
    static final int MAX_FRAMES = 1000;

    private final long id;
    private final String tunnelUrl;
    private final String clientAddress;
    private final Instant startedAt;
    private final long startNanos;
    private final Long replayOf;
    private final String method;
    private final String uri;
    private final String authority;
    private final List<Map.Entry<String, String>> requestHeaders;
    private final List<String> policyRules;
    private final ExchangeLog log;
    private final CapturedBody requestBody;
    private final CapturedBody responseBody;
    private Integer status;
    private List<Map.Entry<String, String>> responseHeaders = List.of();
    private State state = State.IN_PROGRESS;
    /** Set once the upstream switched to WebSocket; null before and for other exchanges. */
    private List<ExchangeView.Frame> frames;
    private long droppedFrames;
    private long durationNanos = -1;
    /** The error code of an answer the agent made itself (the upstream failed), or null. */
    private String agentError;
    /** Set when the edge's policy answered the request; see {@link ExchangeView.Denial}. */
    private ExchangeView.Denial denial;
    /** Body bytes this exchange holds against the log's budget; read by the log without this exchange's lock. */
    final AtomicInteger heldBytes = new AtomicInteger();
    /** Set by the log, under its lock, once the exchange has left it: it captures nothing more. */
    boolean evicted;

    CapturedExchange(long id, Request request, ExchangeLog log) {
        this.id = id;
        this.tunnelUrl = request.tunnelUrl();
        this.clientAddress = request.clientAddress();
        this.replayOf = request.replayOf();
        this.method = request.method();
        this.uri = request.uri();
        this.authority = request.authority();
        this.requestHeaders = List.copyOf(request.headers());
        this.policyRules = List.copyOf(request.policyRules());
        this.startedAt = Instant.now();
        this.startNanos = System.nanoTime();
        this.log = log;
        this.requestBody = new CapturedBody(log, this, log.bodyLimit());
        this.responseBody = new CapturedBody(log, this, log.bodyLimit());
    }

    /** What is known of a request when its headers arrive. */
    /** @param policyRules the rules of the tunnel's traffic policy that acted on the request at the edge */
    public record Request(String tunnelUrl, String clientAddress, Long replayOf, String method, String uri,
                          String authority, List<Map.Entry<String, String>> headers, List<String> policyRules) {
    }

    public long id() {
        return id;
    }

    /** Adds a part of the request body, as far as the limits allow. */
    public synchronized void recordRequestBody(ByteBuf data) {
        requestBody.append(data);
    }

    /** Adds a part of the response body, as far as the limits allow. */
    public synchronized void recordResponseBody(ByteBuf data) {
        responseBody.append(data);
    }

    /** Ends the exchange once; later calls change nothing. */
    public void end(State how) {
        synchronized (this) {
            if (state != State.IN_PROGRESS) {
                return;
            }
            state = how;
            durationNanos = System.nanoTime() - startNanos;
        }
        log.changed(this);
    }

    /** The final answer's status and headers arrived. */
    public void responseStarted(int status, List<Map.Entry<String, String>> headers) {
        synchronized (this) {
            this.status = status;
            this.responseHeaders = List.copyOf(headers);
        }
        log.changed(this);
    }

    /** The answer is the agent's own, for the upstream's failure {@code code} ({@code upstream_timeout}...). */
    synchronized void answeredByAgent(String code) {
        agentError = code;
    }

    /** The error code of an answer the agent made itself because the upstream failed, or null. */
    public synchronized String agentError() {
        return agentError;
    }

    /** The edge's policy answered this request with {@code status}: it is complete as it is. */
    void deniedAtEdge(int status, ExchangeView.Denial why) {
        synchronized (this) {
            denial = why;
            this.status = status;
            durationNanos = 0;
            state = State.COMPLETE;
        }
        log.changed(this);
    }

    /** A consistent copy of everything captured so far. */
    public synchronized ExchangeView view() {
        return view(true);
    }

    /** As {@link #view()}, without the bodies' bytes (their sizes stay): cheap enough for every change. */
    public synchronized ExchangeView summary() {
        return view(false);
    }

    private ExchangeView view(boolean bodies) {
        return new ExchangeView(id, tunnelUrl, clientAddress, startedAt, replayOf, method, uri, authority,
                requestHeaders, body(requestBody, bodies), status, responseHeaders, body(responseBody, bodies), state,
                durationNanos < 0 ? null : durationNanos / 1_000_000.0,
                frames == null ? null : new ExchangeView.WebSocket(bodies ? List.copyOf(frames) : List.of(),
                        droppedFrames), policyRules, denial);
    }

    /** The upstream switched protocols: from now on the exchange lists WebSocket frames. */
    synchronized void upgraded() {
        if (frames == null) {
            frames = new ArrayList<>();
        }
    }

    /** Lists one frame, its preview within the log's budget, up to {@link #MAX_FRAMES}. */
    synchronized void recordFrame(boolean fromClient, WebSocketFrameReader.Frame frame) {
        if (frames == null || frames.size() >= MAX_FRAMES) {
            droppedFrames++;
            return;
        }
        int granted = frame.preview().length == 0 ? 0 : log.reserve(this, frame.preview().length);
        frames.add(new ExchangeView.Frame(Instant.now(), fromClient, frameType(frame.opcode()), frame.fin(),
                frame.length(), Arrays.copyOf(frame.preview(), granted)));
    }

    private static String frameType(int opcode) {
        return switch (opcode) {
            case 0 -> "continuation";
            case 1 -> "text";
            case 2 -> "binary";
            case 8 -> "close";
            case 9 -> "ping";
            case 10 -> "pong";
            default -> "opcode " + opcode;
        };
    }

    private static ExchangeView.Body body(CapturedBody body, boolean withBytes) {
        return new ExchangeView.Body(withBytes ? body.captured() : new byte[0], body.size(), body.truncated());
    }
}
