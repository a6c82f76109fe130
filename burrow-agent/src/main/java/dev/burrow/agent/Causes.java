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

    /** Why a TLS client refused the edge's certificate, in the words its user knows: {@code root} as it failed. */
    static String untrusted(Throwable root, String host) {
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (message.contains("Signature does not match") || message.contains("PKIX path")
                || message.contains("unable to find valid certification path")) {
            return "it was not issued by one of them";
        }
        if (message.contains("No subject alternative") || message.contains("No name matching")) {
            return "it does not name " + host;
        }
        if (message.contains("NotAfter") || message.contains("expired")) {
            return "it has expired";
        }
        if (message.contains("fingerprint") || message.contains("not trusted")) {
            return "its fingerprint is another";
        }
        return message;
    }
}
