import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.logging.LogFormat;
import dev.burrow.logging.LogSetup;
import dev.burrow.tls.ServerTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.event.Level;

/**
 * Binds growing numbers of HTTP tunnels on one edge (agents in this one process, each a session of up to
 * {@code perSession} tunnels) and, at each size, reads the edge's heap after a full GC and its RSS: the slope over
 * the sizes is the edge's cost per tunnel. Run by bench/scale.
 *
 * <p>Arguments: edge-pid agent-port fingerprint token per-session size...
 */
public final class ScaleBench {
    public static void main(String[] args) throws Exception {
        LogSetup.configure("stderr", Level.WARN, LogFormat.LOGFMT);
        long edgePid = Long.parseLong(args[0]);
        int agentPort = Integer.parseInt(args[1]);
        String fingerprint = args[2];
        String token = args[3];
        int perSession = Integer.parseInt(args[4]);
        List<Agent> agents = new ArrayList<>();
        int bound = 0;
        double[] xs = new double[args.length - 5];
        double[] heap = new double[args.length - 5];
        double[] rss = new double[args.length - 5];
        System.out.println("| tunnels | sessions | bind time for the step (ms) | edge heap after GC (MiB) | edge RSS (MiB) |");
        System.out.println("|---|---|---|---|---|");
        for (int i = 5; i < args.length; i++) {
            int target = Integer.parseInt(args[i]);
            long started = System.nanoTime();
            while (bound < target) {
                Agent agent = Agent.builder().edge("127.0.0.1", agentPort).authtoken(token)
                        .trust(ServerTrust.fingerprint(fingerprint)).threads(1).build().start();
                agents.add(agent);
                for (int t = 0; t < perSession && bound < target; t++, bound++) {
                    agent.http(HttpTunnelOptions.to("127.0.0.1:9").withSubdomain("t" + bound));
                }
            }
            long bindMs = (System.nanoTime() - started) / 1_000_000;
            double heapMiB = heapAfterGc(edgePid) / 1024.0;
            double rssMiB = rssKib(edgePid) / 1024.0;
            xs[i - 5] = target;
            heap[i - 5] = heapMiB;
            rss[i - 5] = rssMiB;
            System.out.printf("| %d | %d | %d | %.1f | %.1f |%n", target, agents.size(), bindMs, heapMiB, rssMiB);
        }
        System.out.printf("%nedge heap per tunnel (slope): %.1f KiB; RSS per tunnel (slope): %.1f KiB%n",
                slope(xs, heap) * 1024, slope(xs, rss) * 1024);
        agents.forEach(Agent::close);
    }

    /** Used heap in KiB after a full collection, from jcmd. */
    private static long heapAfterGc(long pid) throws IOException, InterruptedException {
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        int used = info.indexOf("used ");
        int k = info.indexOf('K', used);
        return Long.parseLong(info.substring(used + 5, k).trim());
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static double slope(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / x.length;
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            num += (x[i] - mx) * (y[i] - my);
            den += (x[i] - mx) * (x[i] - mx);
        }
        return den == 0 ? 0 : num / den;
    }
}
