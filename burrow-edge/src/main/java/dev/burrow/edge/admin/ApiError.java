package dev.burrow.edge.admin;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the admin API refuses, with the status and the code its error body carries: thrown by an endpoint, on
 * the listener's loop or in a store call, and answered in one place ({@link AdminApi}).
 */
final class ApiError extends RuntimeException {
    private final HttpResponseStatus status;
    private final String code;

    ApiError(HttpResponseStatus status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiError badRequest(String message) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, "bad_request", message);
    }

    static ApiError notFound(String code, String message) {
        return new ApiError(HttpResponseStatus.NOT_FOUND, code, message);
    }

    static ApiError conflict(String code, String message) {
        return new ApiError(HttpResponseStatus.CONFLICT, code, message);
    }

    HttpResponseStatus status() {
        return status;
    }

    String code() {
        return code;
    }
}
