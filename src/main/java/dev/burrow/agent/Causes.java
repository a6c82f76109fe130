package dev.burrow.agent;

/** Netty wraps the failure a user should read (a refused connection, a rejected certificate) in layers. */
final class Causes {
    private Causes() {
    }

    /** The innermost cause. */
    static Throwable root(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The innermost cause in the words a user knows it by, for error pages. */
    static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown error";
        }
        Throwable root = root(failure);
        String message = root.getMessage();
        if (message == null) {
            return root.getClass().getSimpleName();
        }
        // Native transports word these as syscall failures; users know them by their usual names.
        if (message.contains("Connection refused")) {
            return "connection refused";
        }
        if (message.contains("timed out")) {
            return "connection timed out";
        }
        return message;
    }
}
