package dev.burrow.transport;

import io.netty.channel.Channel;
import io.netty.channel.epoll.Native;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a socket that allows half-closure writable on Netty's epoll transport after its input ended.
 *
 * <p>Once a socket's input is shut down, epoll watches it for nothing but EPOLLOUT, and only while a write waits.
 * When no write waits, the event set is empty and Netty 4.2 removes the socket from epoll, yet still takes it for
 * registered: the next write that fills the kernel's buffer asks epoll to watch the socket again with a modify,
 * which fails (ENOENT). The write is then never finished, or fails with the bytes queued behind it: a TCP tunnel
 * whose upstream had sent its FIN lost the end of what the client still sent (TcpHalfCloseTest). Adding EPOLLERR
 * to the socket's events keeps the set from ever being empty, and costs nothing: epoll reports errors whether asked
 * or not. The method that adds it is Netty's own, protected on a class that is not public, so it is reached by a
 * method handle.
 */
public final class HalfClosedSockets {
    private static final Logger log = LoggerFactory.getLogger(HalfClosedSockets.class);
    private static final String EPOLL_CHANNEL = "io.netty.channel.epoll.AbstractEpollChannel";
    private static final MethodHandle SET_FLAG = setFlag();

    private HalfClosedSockets() {
    }

    /** Call from the socket's initializer, before any I/O; a socket of another transport is left as it is. */
    public static void keepWatched(Channel socket) {
        if (SET_FLAG == null || !SET_FLAG.type().parameterType(0).isInstance(socket)) {
            return;
        }
        try {
            SET_FLAG.invoke(socket, Native.EPOLLERR);
        } catch (Throwable e) {
            log.atDebug().log("could not keep a half-closed socket watched: {}", e.toString());
        }
    }

    private static MethodHandle setFlag() {
        try {
            Class<?> epollChannel = Class.forName(EPOLL_CHANNEL);
            return MethodHandles.privateLookupIn(epollChannel, MethodHandles.lookup())
                    .findVirtual(epollChannel, "setFlag", MethodType.methodType(void.class, int.class));
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            log.atDebug().log("epoll's setFlag is not reachable: {}", e.toString());
            return null;
        }
    }
}
