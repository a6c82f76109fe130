-- Prints the figures bench/run reads: requests per second and latency percentiles in microseconds.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("BENCH rps=%.1f requests=%d errors=%d p50=%d p99=%d p999=%d\n",
    summary.requests / seconds, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
