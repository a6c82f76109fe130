package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.UpstreamProtocol;
import dev.burrow.tls.EdgeCertificate;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real gRPC client on the public side reaches a real gRPC server behind the agent (upstream protocol h2c), through
 * the edge's cleartext HTTP port: every call type, statuses with trailing metadata, and cancellation.
 */
class GrpcTunnelTest {
    private static final String HOST = "grpc.burrow.test";
    private static final String SERVICE = "burrow.test.Echo";
    private static final Metadata.Key<String> REASON = Metadata.Key.of("x-reason", Metadata.ASCII_STRING_MARSHALLER);

    private static final MethodDescriptor<String, String> UNARY = method(MethodDescriptor.MethodType.UNARY, "Unary");
    private static final MethodDescriptor<String, String> COUNT =
            method(MethodDescriptor.MethodType.SERVER_STREAMING, "Count");
    private static final MethodDescriptor<String, String> CHAT =
            method(MethodDescriptor.MethodType.BIDI_STREAMING, "Chat");
    private static final MethodDescriptor<String, String> FAIL = method(MethodDescriptor.MethodType.UNARY, "Fail");
    private static final MethodDescriptor<String, String> TICK =
            method(MethodDescriptor.MethodType.SERVER_STREAMING, "Tick");

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    Server server;
    ManagedChannel channel;
    final CountDownLatch tickCancelled = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws IOException {
        harness = new TunnelHarness(dataDir);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                        InsecureServerCredentials.create())
                .addService(service())
                .build()
                .start();
        Agent agent = harness.startAgent();
        AgentTunnel tunnel = agent.http(HttpTunnelOptions.to(Integer.toString(server.getPort()))
                .withSubdomain("grpc").withUpstreamProtocol(UpstreamProtocol.H2C));
        assertThat(tunnel.hostname()).isEqualTo(HOST);
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", harness.httpPort(),
                        InsecureChannelCredentials.create())
                .overrideAuthority(HOST)
                .build();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        harness.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static CallOptions deadline() {
        return CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @Test
    void unaryCallIsAnswered() {
        String answer = ClientCalls.blockingUnaryCall(channel, UNARY, deadline(), "hello");

        assertThat(answer).isEqualTo("echo: hello");
    }

    @Test
    void serverStreamingCallDeliversEveryMessageInOrder() {
        Iterator<String> answers = ClientCalls.blockingServerStreamingCall(channel, COUNT, deadline(), "5");

        List<String> received = new ArrayList<>();
        answers.forEachRemaining(received::add);
        assertThat(received).containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void bidirectionalCallInterleavesMessagesBothWays() throws Exception {
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(CHAT, deadline()),
                new StreamObserver<>() {
                    @Override
                    public void onNext(String value) {
                        answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });

        // Each answer is awaited before the next message goes: both directions are open at once.
        for (String word : List.of("one", "two", "three")) {
            requests.onNext(word);
            assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo(word.toUpperCase());
        }
        requests.onCompleted();

        done.get(10, TimeUnit.SECONDS);
        assertThat(answers).isEmpty();
    }

    @Test
    void errorStatusWithMessageAndTrailingMetadataReachesTheClient() {
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, FAIL, deadline(), "x"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).isEqualTo("no such thing: x");
                    assertThat(e.getTrailers().get(REASON)).isEqualTo("tested");
                });
    }

    @Test
    void cancellingACallOnThePublicSideCancelsItAtTheServer() throws Exception {
        ClientCall<String, String> call = channel.newCall(TICK, deadline());
        BlockingQueue<String> ticks = new LinkedBlockingQueue<>();
        ClientCalls.asyncServerStreamingCall(call, "go", new StreamObserver<>() {
            @Override
            public void onNext(String value) {
                ticks.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        assertThat(ticks.poll(10, TimeUnit.SECONDS)).isEqualTo("tick");

        call.cancel("the client is done", null);

        // The public client's RST_STREAM crosses edge and agent as a reset of the upstream stream.
        assertThat(tickCancelled.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void manyConcurrentCallsShareTheTunnel() {
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String name = "caller-" + i;
            calls.add(CompletableFuture.supplyAsync(() ->
                    ClientCalls.blockingUnaryCall(channel, UNARY, deadline(), name)));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> calls.stream().allMatch(CompletableFuture::isDone));
        for (int i = 0; i < calls.size(); i++) {
            assertThat(calls.get(i).join()).isEqualTo("echo: caller-" + i);
        }
    }

    @Test
    void grpcServerOverTlsIsReachedWithAlpnH2() throws Exception {
        EdgeCertificate.loadOrCreateSelfSigned(dataDir.resolve("upstream-tls"), List.of("localhost"));
        Server tlsServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                        TlsServerCredentials.create(dataDir.resolve("upstream-tls/edge-cert.pem").toFile(),
                                dataDir.resolve("upstream-tls/edge-key.pem").toFile()))
                .addService(service())
                .build()
                .start();
        try {
            harness.startAgent().http(HttpTunnelOptions.to("https://localhost:" + tlsServer.getPort())
                    .withSubdomain("grpcs").withUpstreamTlsVerification(false)
                    .withUpstreamProtocol(UpstreamProtocol.H2));
            ManagedChannel tlsChannel = Grpc.newChannelBuilderForAddress("127.0.0.1", harness.httpPort(),
                            InsecureChannelCredentials.create())
                    .overrideAuthority("grpcs.burrow.test")
                    .build();
            try {
                assertThat(ClientCalls.blockingUnaryCall(tlsChannel, UNARY, deadline(), "secure"))
                        .isEqualTo("echo: secure");
            } finally {
                tlsChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            tlsServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private ServerServiceDefinition service() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext("echo: " + request);
                    response.onCompleted();
                }))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((request, response) -> {
                    for (int i = 1; i <= Integer.parseInt(request); i++) {
                        response.onNext(Integer.toString(i));
                    }
                    response.onCompleted();
                }))
                .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(response -> new StreamObserver<String>() {
                    @Override
                    public void onNext(String value) {
                        response.onNext(value.toUpperCase());
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        response.onCompleted();
                    }
                }))
                .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, response) -> {
                    Metadata trailers = new Metadata();
                    trailers.put(REASON, "tested");
                    response.onError(Status.FAILED_PRECONDITION.withDescription("no such thing: " + request)
                            .asRuntimeException(trailers));
                }))
                .addMethod(TICK, ServerCalls.asyncServerStreamingCall((request, response) -> {
                    ((ServerCallStreamObserver<String>) response).setOnCancelHandler(tickCancelled::countDown);
                    // One tick, then the call stays open until the client cancels it (or its deadline passes).
                    response.onNext("tick");
                }))
                .build();
    }

    private static MethodDescriptor<String, String> method(MethodDescriptor.MethodType type, String name) {
        return MethodDescriptor.<String, String>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(Utf8.INSTANCE)
                .setResponseMarshaller(Utf8.INSTANCE)
                .build();
    }

    /** Messages are plain UTF-8 strings: no protobuf, no code generation. */
    private enum Utf8 implements MethodDescriptor.Marshaller<String> {
        INSTANCE;

        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
