package dev.burrow.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * Moves a public connection onto the event loop of the agent connection that serves it (deregister, then register
 * there), so that its relay runs on one thread end to end instead of handing every message between loops.
 */
public final class LoopMove {
    private LoopMove() {
    }

    /**
     * Moves {@code channel} onto {@code loop} and then runs {@code moved} there; at once if it runs there already. A
     * channel that cannot move is closed, and {@code moved} never runs.
     */
    public static void to(Channel channel, EventLoop loop, Runnable moved) {
        if (channel.eventLoop() == loop) {
            moved.run();
            return;
        }
        channel.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                channel.close();
                return;
            }
            loop.register(channel).addListener(registered -> {
                if (!registered.isSuccess()) {
                    channel.unsafe().closeForcibly();
                    return;
                }
                moved.run();
            });
        });
    }
}
