package dev.burrow.store;

/** A store operation failed, either because the request conflicts with stored state or the database failed. */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
