package dev.burrow.edge.http;

/** What becomes of a public HTTP/1.1 connection after the edge answered a request itself. */
enum AnswerEnding {
    /** What is left of the request (no body, or one already read) is dropped; the client may send the next one. */
    NEXT_REQUEST,
    /**
     * The body may still be coming: it is read and dropped, for a bounded time, and the connection then closes, so
     * that a client still sending reads the answer rather than a reset.
     */
    LINGER,
    /** The connection closes once the answer is written: nothing more can be read from it. */
    CLOSE;

    static AnswerEnding closeIf(boolean close) {
        return close ? CLOSE : NEXT_REQUEST;
    }
}
