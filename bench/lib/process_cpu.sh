# CPU time of a process, for the benchmark scripts (sourced).
# ticks PID: utime + stime of the whole process (exited threads included), in clock ticks.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# thread_ns PID: summed on-CPU nanoseconds of its live threads (schedstat): finer than ticks,
# misses exited threads. Printed with %.0f: awk's %d clips at 2^31, about 2.1 s.
thread_ns() { cat /proc/"$1"/task/*/schedstat | awk '{s += $1} END {printf "%.0f", s}'; }
