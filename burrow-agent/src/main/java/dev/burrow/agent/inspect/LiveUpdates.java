package dev.burrow.agent.inspect;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Server-sent events for the inspector page: each change to the log is pushed as an {@code exchange} event with
 * the exchange's summary. The data path only marks an exchange as changed; every 100 ms the inspector's own loop
 * sends what changed, at most 200 exchanges a tick (beyond that, one {@code reload} event tells the page to fetch
 * the list instead). A page that does not keep up (its connection stops being writable) is disconnected; the
 * browser reconnects and reloads. A comment every 20 s keeps idle connections open.
 */
final class LiveUpdates {
    private static final long TICK_MILLIS = 100;
    private static final int MAX_PER_TICK = 200;
    private static final long KEEPALIVE_TICKS = 200;

    private final ExchangeLog log;
    private final Set<Channel> pages = ConcurrentHashMap.newKeySet();
    private final Set<CapturedExchange> changed = ConcurrentHashMap.newKeySet();
    private final Consumer<CapturedExchange> listener = changed::add;
    private long ticks;

    LiveUpdates(ExchangeLog log, EventLoop loop) {
        this.log = log;
        log.subscribe(listener);
        loop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Turns {@code channel}'s response into an event stream that stays open. */
    void open(Channel channel) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        channel.write(response);
        channel.writeAndFlush(chunk(": connected\n\n"));
        pages.add(channel);
        channel.closeFuture().addListener(closed -> pages.remove(channel));
    }

    private void tick() {
        ticks++;
        if (pages.isEmpty()) {
            changed.clear();
            return;
        }
        List<String> events = new ArrayList<>();
        if (!changed.isEmpty()) {
            Set<CapturedExchange> batch = new LinkedHashSet<>(changed);
            changed.removeAll(batch);
            if (batch.size() > MAX_PER_TICK) {
                events.add("event: reload\ndata: {}\n\n");
            } else {
                for (CapturedExchange exchange : batch) {
                    events.add("event: exchange\ndata: " + InspectorJson.summary(exchange.summary()).toString() + "\n\n");
                }
            }
        } else if (ticks % KEEPALIVE_TICKS == 0) {
            events.add(": keep-alive\n\n");
        }
        if (events.isEmpty()) {
            return;
        }
        String text = String.join("", events);
        for (Channel page : pages) {
            if (!page.isWritable()) {
                page.close();
            } else {
                page.writeAndFlush(chunk(text));
            }
        }
    }

    private static DefaultHttpContent chunk(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    void close() {
        log.unsubscribe(listener);
        pages.forEach(page -> page.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
    }
}
