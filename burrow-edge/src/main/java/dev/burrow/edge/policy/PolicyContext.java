package dev.burrow.edge.policy;

import dev.burrow.edge.Tunnel;
import dev.cel.runtime.CelVariableResolver;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * What one phase of a traffic policy sees and does for one request, response or connection: the variables its
 * expressions read (each computed when first read, again after an action changed the request or response), those
 * {@code set-vars} set, and how the phase ended, if an action ended it. On the connection's event loop only.
 */
public final class PolicyContext {
    /** How the phase stands: going on through its rules, ended by an answer, or (connections) refused. */
    private enum State { GOING_ON, ANSWERED, REFUSED }

    private final Phase phase;
    private final Tunnel tunnel;
    private final InetSocketAddress client;
    private final HttpRequest request;
    private final HttpResponse response;
    /** The whole request body, when the policy asked for it; read-only. */
    private final ByteBuf body;
    private final Map<String, Object> vars = new HashMap<>();
    /** Variables computed so far for the expressions; emptied when an action changes what they are made from. */
    private final Map<String, Object> values = new HashMap<>();
    private final CelVariableResolver resolver = this::find;
    private State state = State.GOING_ON;
    private FullHttpResponse answer;
    private String rule;
    private final List<String> acted = new ArrayList<>(2);
    private ResponseObserver observer;
    /** The coding the edge is to put on the response body ({@code compress-response}); null for none. */
    private ContentCoding coding;
    /** What an action waits for before the phase goes on, and what it then does on the loop; null when none. */
    private CompletionStage<Runnable> waiting;

    private PolicyContext(Phase phase, Tunnel tunnel, InetSocketAddress client, HttpRequest request,
                          HttpResponse response, ByteBuf body) {
        this.phase = phase;
        this.tunnel = tunnel;
        this.client = client;
        this.request = request;
        this.response = response;
        this.body = body;
    }

    static PolicyContext connection(Tunnel tunnel, InetSocketAddress client) {
        return new PolicyContext(Phase.ON_TCP_CONNECT, tunnel, client, null, null, null);
    }

    static PolicyContext request(HttpRequest request, ByteBuf body, Tunnel tunnel, InetSocketAddress client) {
        return new PolicyContext(Phase.ON_HTTP_REQUEST, tunnel, client, request, null,
                body == null ? null : body.asReadOnly());
    }

    static PolicyContext response(HttpResponse response, HttpRequest request, Tunnel tunnel,
                                  InetSocketAddress client) {
        return new PolicyContext(Phase.ON_HTTP_RESPONSE, tunnel, client, request, response, null);
    }

    public Phase phase() {
        return phase;
    }

    public Tunnel tunnel() {
        return tunnel;
    }

    public InetSocketAddress client() {
        return client;
    }

    /** The request; null in {@link Phase#ON_TCP_CONNECT}. Call {@link #changed()} after changing it. */
    public HttpRequest request() {
        return request;
    }

    /**
     * The whole request body, read-only, when the policy reads bodies ({@link TrafficPolicy#needsRequestBody}); null
     * when the request has none, when the policy reads none, and in the other phases.
     */
    public ByteBuf requestBody() {
        return body;
    }

    /** The response head; set in {@link Phase#ON_HTTP_RESPONSE} only. Call {@link #changed()} after changing it. */
    public HttpResponse response() {
        return response;
    }

    /** The name of the rule whose actions run now, or its position ({@code on_http_request[2]}). */
    public String rule() {
        return rule;
    }

    void rule(String name) {
        this.rule = name;
        acted.add(name);
    }

    /** The rules whose actions ran, in order. */
    List<String> acted() {
        return acted;
    }

    /** Sets a variable that later expressions read as {@code vars.NAME}. */
    public void setVar(String name, Object value) {
        vars.put(name, value);
        values.remove("vars");
    }

    /** The request or response changed: expressions read the new values. */
    public void changed() {
        values.clear();
    }

    /** Ends the phase: the client gets {@code page} instead of the upstream's answer. Request phase only. */
    public void answer(FullHttpResponse page) {
        if (phase != Phase.ON_HTTP_REQUEST) {
            ReferenceCountUtil.release(page);
            throw new IllegalStateException("only the request phase can answer");
        }
        answer = page;
        state = State.ANSWERED;
    }

    /**
     * Suspends the phase until {@code stage} completes (a key fetched, a token exchanged): then {@code then} runs on
     * the connection's loop with its value, and may answer or change the request, and the phase goes on with the
     * next action. A stage that fails fails the phase (the visitor gets {@code 500 policy_failed}). Request phase
     * only: the others decide at once.
     */
    public <T> void await(CompletionStage<T> stage, BiConsumer<PolicyContext, T> then) {
        if (phase != Phase.ON_HTTP_REQUEST) {
            throw new IllegalStateException("only the request phase can wait");
        }
        waiting = stage.thenApply(value -> () -> then.accept(this, value));
    }

    boolean waiting() {
        return waiting != null;
    }

    /** What the last action waits for, handed over to the caller; null if it did not wait. */
    CompletionStage<Runnable> takeWaiting() {
        CompletionStage<Runnable> taken = waiting;
        waiting = null;
        return taken;
    }

    /**
     * Has {@code more} told the status of the upstream's answer, if the request is let through. Request phase only:
     * an action that needs the outcome of the requests it lets through registers here.
     */
    public void observeResponse(ResponseObserver more) {
        if (phase != Phase.ON_HTTP_REQUEST) {
            throw new IllegalStateException("only the request phase can observe its response");
        }
        ResponseObserver before = observer;
        observer = before == null ? more : status -> {
            before.answered(status);
            more.answered(status);
        };
    }

    /** What the actions registered with {@link #observeResponse}, in one; null if none did. */
    ResponseObserver observer() {
        return observer;
    }

    /**
     * Has the edge encode the response body with {@code chosen} on its way to the client, or leave it as it is when
     * null; the last call of the phase decides. The edge sets the fields that go with it ({@code Content-Encoding},
     * the framing, a weak {@code ETag}) once the phase is over. Response phase only.
     */
    public void encodeBody(ContentCoding chosen) {
        if (phase != Phase.ON_HTTP_RESPONSE) {
            throw new IllegalStateException("only the response phase can encode the body");
        }
        coding = chosen;
    }

    /** What {@link #encodeBody} chose last; null if nothing did. */
    ContentCoding coding() {
        return coding;
    }

    /** Ends the phase: the connection is refused. Connection phase only. */
    public void refuse() {
        if (phase != Phase.ON_TCP_CONNECT) {
            throw new IllegalStateException("only the connection phase can refuse");
        }
        state = State.REFUSED;
    }

    boolean ended() {
        return state != State.GOING_ON;
    }

    boolean refused() {
        return state == State.REFUSED;
    }

    /** The answer an action gave, handed over to the caller; null if none did. */
    FullHttpResponse takeAnswer() {
        FullHttpResponse taken = answer;
        answer = null;
        return taken;
    }

    /** The phase's CEL variables, each computed when an expression first reads it, kept until a change. */
    CelVariableResolver variables() {
        return resolver;
    }

    private Optional<Object> find(String name) {
        Object value = values.get(name);
        if (value == null) {
            value = compute(name);
            if (value == null) {
                return Optional.empty();
            }
            values.put(name, value);
        }
        return Optional.of(value);
    }

    /** The variable's value now, or null when the phase has no such variable. */
    private Object compute(String name) {
        switch (name) {
            case "conn.client_ip":
                return client.getAddress().getHostAddress();
            case "conn.client_port":
                return (long) client.getPort();
            case "vars":
                return Map.copyOf(vars);
            default:
                break;
        }
        if (request != null && name.startsWith("req.")) {
            String target = request.uri();
            int query = target.indexOf('?');
            return switch (name) {
                case "req.method" -> request.method().name();
                case "req.url.path" -> query < 0 ? target : target.substring(0, query);
                case "req.url.query" -> query < 0 ? "" : target.substring(query + 1);
                case "req.url.query_params" -> query < 0 ? Map.of() : new QueryStringDecoder(target).parameters();
                case "req.host" -> hostWithoutPort(request.headers().get(HttpHeaderNames.HOST, ""));
                case "req.headers" -> headers(request.headers());
                case "req.user_agent" -> request.headers().get(HttpHeaderNames.USER_AGENT, "");
                case "req.content_length" -> HttpUtil.getContentLength(request, -1L);
                default -> null;
            };
        }
        if (response != null && name.startsWith("res.")) {
            return switch (name) {
                case "res.status_code" -> (long) response.status().code();
                case "res.headers" -> headers(response.headers());
                default -> null;
            };
        }
        return null;
    }

    /** Field names in lower case, each with its values in order. */
    private static Map<String, List<String>> headers(HttpHeaders headers) {
        Map<String, List<String>> map = new HashMap<>();
        for (Map.Entry<String, String> field : headers) {
            map.computeIfAbsent(field.getKey().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                    .add(field.getValue());
        }
        return map;
    }

    private static String hostWithoutPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return (colon < 0 ? host : host.substring(0, colon)).toLowerCase(Locale.ROOT);
    }
}
