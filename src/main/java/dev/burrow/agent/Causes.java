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
}
