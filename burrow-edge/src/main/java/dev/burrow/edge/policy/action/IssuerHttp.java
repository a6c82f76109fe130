package dev.burrow.edge.policy.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.stream.Collectors;

/**
 * How the edge's policy actions talk to an identity provider (discovery, keys, tokens, user APIs): one HTTP client,
 * the JDK's asynchronous one, so no event loop waits. One for the whole edge, as each client keeps a thread of its
 * own; each request carries its own overall timeout. Redirects are not followed: a provider's endpoints are its own.
 * Every answer is read through {@link #BOUNDED}, so a provider that sends without end costs at most {@link #MAX_BODY}.
 */
final class IssuerHttp {
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    /** The overall timeout of a request made while a visitor signs in. */
    static final Duration SIGN_IN_TIMEOUT = Duration.ofSeconds(10);
    /** An answer this large is far beyond any provider's: the read stops there and the request fails. */
    static final int MAX_BODY = 256 * 1024;
    /** The body as UTF-8 text, failing (and cancelling the read) once it passes {@link #MAX_BODY} bytes. */
    static final HttpResponse.BodyHandler<String> BOUNDED = info -> new BoundedText();
    private static final ObjectMapper JSON = new ObjectMapper();

    private IssuerHttp() {
    }

    /** {@code fields} as an {@code application/x-www-form-urlencoded} body or query. */
    static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(field -> encode(field.getKey()) + "=" + encode(field.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** {@code body} parsed; {@code what} names it in the failure. */
    static JsonNode json(String body, String what) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(what + " is not JSON", e);
        }
    }

    private static final class BoundedText implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > MAX_BODY) {
                    subscription.cancel();
                    body.completeExceptionally(new IllegalStateException("the answer is over " + MAX_BODY
                            + " bytes"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toString(StandardCharsets.UTF_8));
        }
    }
}
