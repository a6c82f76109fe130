#!/usr/bin/env python3
"""Summarises an async-profiler collapsed-stack file (one 'frame;frame;... count' per line) as bench/run reports it:
the share of samples per part of the relay, then the hottest leaf frames.

A sample belongs to the innermost frame that names a specific part: the leaf is walked towards the root and the
first frame matching a rule of PARTS decides, so a byte copy inside the HPACK decoder counts as HPACK, a write(2)
under the TLS engine as a syscall, and pipeline work under a per-stream child channel as child channels. Only a
sample with no specific frame at all falls to the generic GENERIC rules (Burrow, Netty, JDK), again innermost first.
"""
import re
import sys
from collections import Counter

# Specific parts. Order matters only within one frame: the first rule a frame matches names it.
PARTS = [
    ("syscalls (kernel)", re.compile(r"_\[k\]$|^(__)?(libc_)?(write|writev|read|readv|send|sendto|recv|recvfrom|epoll_wait|epoll_ctl|syscall)$|entry_SYSCALL")),
    ("GC", re.compile(r"G1|ZGC|Shenandoah|GCTaskThread|ParallelGC|WorkerThread::run|SafepointSynchronize")),
    ("JIT compiler", re.compile(r"CompileBroker|C2Compiler|Compiler::compile|Compilation::")),
    ("TLS (BoringSSL, SslHandler)", re.compile(r"(?i)ssl|boringssl|aes_|gcm|chacha|sha256_block")),
    ("HPACK", re.compile(r"Hpack")),
    ("HTTP/2 child channels (per-stream Channel)", re.compile(r"AbstractHttp2StreamChannel|Http2MultiplexHandler|Http2StreamChannelBootstrap")),
    ("HTTP/2 framing and flow control", re.compile(r"netty/handler/codec/http2/")),
    ("HTTP/1.1 codec and header validation", re.compile(r"netty/handler/codec/http/")),
]
GENERIC = [
    ("Burrow's own code", re.compile(r"dev/burrow/")),
    ("Netty pipeline, buffers, event loop", re.compile(r"io/netty/")),
    ("JDK", re.compile(r"^(java|jdk|sun)/")),
]


def part_of(frames):
    for rules in (PARTS, GENERIC):
        for frame in reversed(frames):
            for name, rule in rules:
                if rule.search(frame):
                    return name
    return "other (JVM runtime, libc)"


def main(path, top=15):
    parts, leaves = Counter(), Counter()
    total = 0
    with open(path) as lines:
        for line in lines:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack or not count.isdigit():
                continue
            frames = stack.split(";")
            n = int(count)
            total += n
            parts[part_of(frames)] += n
            leaves[frames[-1]] += n
    if total == 0:
        print("no samples")
        return
    print(f"{total} samples")
    print()
    print("| part | share |")
    print("|---|---|")
    for name, n in parts.most_common():
        print(f"| {name} | {100 * n / total:.1f}% |")
    print()
    print("| hottest leaf frames | share |")
    print("|---|---|")
    for frame, n in leaves.most_common(top):
        print(f"| `{frame[:110]}` | {100 * n / total:.1f}% |")


if __name__ == "__main__":
    main(sys.argv[1])
