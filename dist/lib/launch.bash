# Starts burrow's JVM with the options its command calls for. Sourced by both launchers, the checkout's ./burrow and
# the release's bin/burrow, which differ only in where the jar and java come from; what follows is the same for both.
#
#   launch_burrow JAVA JAR CACHE_DIR ARGS...
#
# CACHE_DIR holds what is made once per java and jar (the class-data archive, whether java can trim its native
# heap); empty when there is no writable place for it, and then there is no archive and java is asked each time.
launch_burrow() {
  local java_cmd="$1" jar="$2" cache="$3"
  shift 3

  # A class-data archive of what a start loads (AppCDS) takes about a third off the time from launch to a tunnel's
  # URL. It is made once per jar and per java command, by a short `burrow dev` run on loopback; the JVM ignores an
  # archive that does not match it. BURROW_CDS=0 leaves it out.
  local cds=() archive train trainer url port
  if [[ "${BURROW_CDS:-1}" != 0 && -n "$cache" ]]; then
    archive="$cache/burrow-$(printf '%s' "$java_cmd" | cksum | cut -d' ' -f1).jsa"
    if [[ ! -f "$archive" || "$jar" -nt "$archive" ]]; then
      train="$(mktemp -d)"
      "$java_cmd" -XX:ArchiveClassesAtExit="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$jar" \
        dev --http-port 0 --data-dir "$train/data" > "$train/out" 2>/dev/null &
      trainer=$!
      url=""
      for _ in $(seq 1 300); do
        url="$(sed -n 's/^Forwarding  *\(http:[^ ]*\).*/\1/p' "$train/out" 2>/dev/null)"
        [[ -n "$url" ]] && break
        sleep 0.05
      done
      if [[ -n "$url" ]] && command -v curl > /dev/null; then
        port="${url##*:}"
        curl -s -o /dev/null -H "Host: $(echo "$url" | sed 's|http://||; s|:.*||')" "http://127.0.0.1:$port/" || true
      fi
      kill -TERM "$trainer" 2>/dev/null || true
      wait "$trainer" 2>/dev/null || true
      rm -rf "$train"
    fi
    [[ -f "$archive" ]] && cds=(-XX:SharedArchiveFile="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off)
  fi

  # Heap and collector by role, measured in bench/results (docs/configuration.md says why): without them the JVM
  # sizes its heap to the machine (a quarter of its memory, a 64th committed from the start) and an idle agent holds
  # hundreds of MiB. The serial collector's young pauses stay near a millisecond at these heap sizes and it keeps no
  # per-region bookkeeping; an edge serving thousands of tunnels is given more heap, or a concurrent collector,
  # through BURROW_JAVA_OPTS, which comes after these and so wins.
  local role_opts=()
  case "${1:-}" in
    edge) role_opts=(-Xms64m -Xmn32m -Xmx512m -XX:MetaspaceSize=64m -XX:MaxDirectMemorySize=1g) ;;
    http|tcp|tls|start) role_opts=(-Xms32m -Xmn16m -Xmx256m -XX:MetaspaceSize=64m -XX:MaxDirectMemorySize=512m) ;;
    dev) role_opts=(-Xms64m -Xmn32m -Xmx256m -XX:MetaspaceSize=64m -XX:MaxDirectMemorySize=512m) ;;
    *) role_opts=(-XX:TieredStopAtLevel=1) ;;
  esac
  # Netty treats a heap of at most 512 MiB as a small machine and then pools no buffer over 16.5 KiB: every 64 KiB
  # socket read was malloc'ed, zeroed and freed, 39% of the agent's CPU with 100 downloads at once (bench/results
  # 2026-12-07-0130-bulk.md). The heaps above are small by choice, not because memory is short.
  case "${1:-}" in
    edge|http|tcp|tls|start|dev) role_opts+=(-Dio.netty.allocator.lowMemory=false) ;;
  esac
  # Memory that the JIT compiler's arenas and freed buffers give back to malloc stays in glibc's arenas: after a load
  # like bench/run's, `jcmd PID System.trim_native_heap` returned 30-35 MiB of each process's RSS. Trimming every 5 s
  # returns it while the process runs (its own thread; each trim took 1-20 ms, more on a saturated machine). JDKs
  # before 17.0.9 lack the option and refuse to start with it, so whether this java has it is asked once per java
  # binary (asked again when that file changes, as an upgrade in place does) and kept in the cache directory.
  local java_file trim_probe trims
  case "${1:-}" in
    edge|http|tcp|tls|start|dev)
      java_file="$(command -v "$java_cmd" || echo "$java_cmd")"
      java_file="$(readlink -f "$java_file" 2>/dev/null || echo "$java_file")"
      trim_probe="${cache:+$cache/burrow-$(printf '%s' "$java_file" | cksum | cut -d' ' -f1).trim}"
      if [[ -n "$trim_probe" && -f "$trim_probe" && ! "$java_file" -nt "$trim_probe" ]]; then
        trims="$(cat "$trim_probe")"
      else
        if "$java_cmd" -XX:TrimNativeHeapInterval=5000 -version > /dev/null 2>&1; then trims=yes; else trims=no; fi
        [[ -z "$trim_probe" ]] || echo "$trims" > "$trim_probe"
      fi
      [[ "$trims" == yes ]] && role_opts+=(-XX:TrimNativeHeapInterval=5000)
      ;;
  esac
  # The serial collector, unless BURROW_JAVA_OPTS names a collector of its own: the JVM refuses two ("Multiple garbage
  # collectors selected"). Split without globbing, as -Xlog:gc*:file=... holds a '*'.
  local user_opts=() collector=(-XX:+UseSerialGC) opt
  read -r -a user_opts <<< "${BURROW_JAVA_OPTS:-}"
  for opt in "${user_opts[@]}"; do
    [[ "$opt" =~ ^-XX:\+Use[A-Za-z]+GC$ ]] && collector=()
  done

  burrow_hangup
  exec "${BURROW_HANGUP[@]}" "$java_cmd" "${cds[@]}" "${collector[@]}" "${role_opts[@]}" "${user_opts[@]}" \
    -jar "$jar" "$@"
}

# Sets BURROW_HANGUP, what goes before java on its command line. Under nohup SIGHUP arrives ignored, and a JVM cannot
# take back a signal that was ignored when it started: `burrow edge` and `burrow start` would never reload on it. So
# java is given the signal's default back (env --default-signal, coreutils 8.31 and later) and told, by
# BURROW_SIGHUP_IGNORED, that hang-ups were meant to be ignored: its commands that do not reload go on ignoring them.
burrow_hangup() {
  BURROW_HANGUP=()
  if [[ "$(trap -p HUP)" == "trap -- '' SIGHUP" ]] && env --default-signal=HUP true 2> /dev/null; then
    BURROW_HANGUP=(env --default-signal=HUP BURROW_SIGHUP_IGNORED=1)
  fi
}
