#!/usr/bin/env python3
"""CPU seconds of a command and every process it starts, by kind of process and by thread name.

Usage: python3 deploy/cpu-by-process.py REPORT -- COMMAND...
   e.g. python3 deploy/cpu-by-process.py /tmp/suite-cpu.txt -- mvn -B -o -T 2 verify

Why: on a two-core machine the suite's wall time is bounded by its CPU seconds (docs/benchmarks.md); this says
which processes spend them (Maven, each module's test JVM, the child JVMs the dev-stack tests start, PostgreSQL,
Temporal, Chromium, ...) and, inside a JVM, which threads (class loading on "java", C1 compiler threads, Kafka's
broker threads, ...). Every thread of every process on the machine is sampled from /proc once a second, so a
process that lives less than a second is missed and other work on the machine is counted too (run it on an
otherwise idle machine). Prints the total; writes the report to REPORT. Exit status: the command's.
"""
import collections
import os
import re
import subprocess
import sys
import time

HZ = os.sysconf('SC_CLK_TCK')


def kind(pid, cache):
    """What the process is, from its command line and working directory (the module it runs in)."""
    try:
        cmd = open(f'/proc/{pid}/cmdline', 'rb').read().replace(b'\0', b' ').decode(errors='replace')
        cwd = os.readlink(f'/proc/{pid}/cwd')
    except OSError:
        return None
    if not cmd:
        return None
    if cache.get(pid, ('', ''))[0] == cmd:  # a shell script that exec'd java keeps its pid, not its kind
        return cache[pid][1]
    module = os.path.relpath(cwd, os.getcwd()) if cwd.startswith(os.getcwd()) else cwd
    if 'plexus-classworlds' in cmd:
        k = 'maven'
    elif 'surefire' in cmd or 'failsafe' in cmd:
        k = f'test JVM {module}'
    elif re.search(r'(^|/)java ', cmd):
        main = re.findall(r'(io\.stockflow\.[\w.]+)', cmd)
        k = f'child JVM {main[-1].rsplit(".", 1)[-1] if main else "?"} ({module})'
    else:
        k = os.path.basename(cmd.split()[0])
    cache[pid] = (cmd, k)
    return k


def sample(cache, threads):
    """Every thread's CPU ticks so far, into threads[(pid, tid)] = (ticks, kind, thread name)."""
    for p in filter(str.isdigit, os.listdir('/proc')):
        pid = int(p)
        if pid == os.getpid():
            continue
        k = kind(pid, cache)
        if k is None:
            continue
        try:
            tids = os.listdir(f'/proc/{pid}/task')
        except OSError:
            continue
        for t in tids:
            try:
                stat = open(f'/proc/{pid}/task/{t}/stat').read()
            except OSError:
                continue
            end = stat.rfind(')')
            fields = stat[end + 2:].split()
            name = re.sub(r'\d+', 'N', stat[stat.find('(') + 1:end])
            threads[(pid, int(t))] = (int(fields[11]) + int(fields[12]), k, name)
    return threads


def main():
    if len(sys.argv) < 4 or sys.argv[2] != '--':
        sys.exit(__doc__)
    report, command = sys.argv[1], sys.argv[3:]
    cache, threads = {}, {}  # (pid, tid) -> (cpu ticks, kind, thread name)
    before = {key: ticks for key, (ticks, _, _) in sample(cache, {}).items()}  # what ran before is not counted
    started = time.time()
    child = subprocess.Popen(command)
    while True:
        sample(cache, threads)
        if child.poll() is not None:
            break
        time.sleep(1.0)
    by_kind, by_thread = collections.Counter(), collections.Counter()
    for key, (ticks, k, name) in threads.items():
        by_kind[k] += (ticks - before.get(key, 0)) / HZ
        by_thread[(k, name)] += (ticks - before.get(key, 0)) / HZ
    total = sum(by_kind.values())
    with open(report, 'w') as out:
        out.write(f'{" ".join(command)}: {time.time() - started:.0f} s wall, {total:.0f} CPU-s sampled\n')
        out.write('\n== CPU seconds by process kind\n')
        out.writelines(f'{v:8.1f}  {k}\n' for k, v in by_kind.most_common())
        out.write('\n== CPU seconds by process kind | thread name (top 80)\n')
        out.writelines(f'{v:8.1f}  {k} | {n}\n' for (k, n), v in by_thread.most_common(80))
    print(f'[cpu-by-process] {time.time() - started:.0f} s wall, {total:.0f} CPU-s; report in {report}')
    sys.exit(child.returncode)


if __name__ == '__main__':
    main()
