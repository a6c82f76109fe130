package dev.burrow.cli;

/** An expected failure whose message says everything, so it is shown without a stack trace even when debugging. */
final class CommandFailure extends RuntimeException {
    CommandFailure(String message) {
        super(message);
    }
}
