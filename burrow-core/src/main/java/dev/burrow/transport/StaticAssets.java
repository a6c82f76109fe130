package dev.burrow.transport;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files of a page served by a local listener (the agent's inspector, the edge's dashboard): plain HTML, CSS and
 * JavaScript read from the jar once, nothing fetched elsewhere. Each answer carries a strong ETag and
 * {@code Cache-Control: no-cache}: the files change with the build, so a browser asks again each time, and is told
 * {@code 304} when it has them already.
 */
public final class StaticAssets {
    /** A file, with its content type and ETag. */
    public record Asset(byte[] bytes, String contentType, String etag) {
    }

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml");

    private final Map<String, Asset> byPath;

    private StaticAssets(Map<String, Asset> byPath) {
        this.byPath = byPath;
    }

    /**
     * The files of the resource folder {@code folder}, each served at its key in {@code files} (path served → name
     * in the folder).
     *
     * @throws IllegalStateException if one is missing from the jar or of a type not known here
     */
    public static StaticAssets load(String folder, Map<String, String> files) {
        Map<String, Asset> byPath = new LinkedHashMap<>();
        files.forEach((path, name) -> byPath.put(path, read(folder + "/" + name)));
        return new StaticAssets(Map.copyOf(byPath));
    }

    /** The file served at {@code path}, or null. */
    public Asset find(String path) {
        return byPath.get(path);
    }

    /** The answer to a GET of {@code asset}: the file, or {@code 304} if the request names its ETag. */
    public static FullHttpResponse answer(HttpRequest request, Asset asset) {
        String known = request.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        boolean fresh = known != null && known.contains(asset.etag());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                fresh ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK,
                fresh ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(asset.bytes()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, asset.contentType())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set(HttpHeaderNames.ETAG, asset.etag())
                .set("X-Content-Type-Options", "nosniff");
        HttpUtil.setContentLength(response, fresh ? 0 : asset.bytes().length);
        return response;
    }

    private static Asset read(String resource) {
        String type = TYPES.get(resource.substring(resource.lastIndexOf('.') + 1));
        if (type == null) {
            throw new IllegalStateException("no content type known for " + resource);
        }
        try (InputStream in = StaticAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("page file missing from the jar: " + resource);
            }
            byte[] bytes = in.readAllBytes();
            return new Asset(bytes, type, "\"" + HexFormat.of().formatHex(sha256(bytes), 0, 16) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
