#!/usr/bin/env python3
"""Where a Lakeforge run's time goes, per stage, from Spark's event log.

    scripts/stage-profile.py EVENT_LOG [RUN_STDOUT]

EVENT_LOG is the file Spark writes with spark.eventLog.enabled=true (spark.eventLog.dir); RUN_STDOUT, the run's
console summary, gives each stage's wall seconds ("  validate     73.5 s"). Spark jobs are grouped by their job
group, which the stage runner sets to "lakeforge.<stage>". Prints a Markdown table: Spark jobs, Spark stages and
tasks, summed task time, input read, shuffle written, spill, and how often each table was scanned (FileScan and Delta
scans in the SQL plans that ran, by the table directory's last two path parts, e.g. silver/flights: a reused
exchange is not a scan, and a cached plan's scans count once, where it is first used).
Standard library only.
"""
import json
import re
import sys
from collections import Counter, defaultdict

LOCATION = re.compile(r"\[([^\],]+)")


def table_of(path):
    parts = [p for p in path.rstrip("/").split("/") if p]
    # A Delta table's files sit in its directory; partition directories (run_date=...) are not the table.
    while parts and "=" in parts[-1]:
        parts.pop()
    return "/".join(parts[-2:])


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: stage-profile.py EVENT_LOG [RUN_STDOUT]")
    group_of_job, stage_group, execution_group = {}, {}, {}
    jobs = defaultdict(int)
    stages, tasks = defaultdict(set), defaultdict(int)
    task_ms, input_bytes, shuffle_bytes, spill_bytes = (defaultdict(int) for _ in range(4))
    plans = {}
    with open(sys.argv[1], encoding="utf-8") as log:
        for line in log:
            e = json.loads(line)
            kind = e.get("Event", "")
            if kind == "SparkListenerJobStart":
                props = e.get("Properties") or {}
                group = props.get("spark.jobGroup.id") or "(outside stages)"
                group = group.removeprefix("lakeforge.")
                jobs[group] += 1
                group_of_job[e["Job ID"]] = group
                for sid in e.get("Stage IDs", []):
                    stage_group[sid] = group
                execution = props.get("spark.sql.execution.id")
                if execution is not None:
                    execution_group.setdefault(int(execution), group)
            elif kind == "SparkListenerTaskEnd":
                group = stage_group.get(e["Stage ID"], "(outside stages)")
                stages[group].add(e["Stage ID"])
                tasks[group] += 1
                m = e.get("Task Metrics") or {}
                task_ms[group] += m.get("Executor Run Time", 0)
                input_bytes[group] += (m.get("Input Metrics") or {}).get("Bytes Read", 0)
                shuffle_bytes[group] += (m.get("Shuffle Write Metrics") or {}).get("Shuffle Bytes Written", 0)
                spill_bytes[group] += m.get("Disk Bytes Spilled", 0)
            elif kind.endswith("SparkListenerSQLExecutionStart") or kind.endswith("SparkListenerSQLAdaptiveExecutionUpdate"):
                # The adaptive update replaces the plan of the same execution with the one that ran.
                plans[e["executionId"]] = e.get("sparkPlanInfo") or {}
    scans = defaultdict(Counter)
    cached = set()

    def walk(node, counter):
        name = node.get("nodeName", "")
        if name == "ReusedExchange":
            return  # the exchange it reuses ran once, where it first appears
        if name == "InMemoryTableScan":
            key = json.dumps(node.get("children", []), sort_keys=True)
            if key in cached:
                return  # read from the cache
            cached.add(key)
        location = (node.get("metadata") or {}).get("Location", "")
        if name.startswith("Scan") and location:
            for path in LOCATION.findall(location)[:1]:
                counter[table_of(path)] += 1
        for child in node.get("children", []):
            walk(child, counter)

    for execution, plan in sorted(plans.items()):
        group = execution_group.get(execution)
        if group is not None:  # an execution without a Spark job only read metadata
            walk(plan, scans[group])
    seconds = {}
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as out:
            for line in out:
                m = re.match(r"^  (\S+)\s+([0-9.]+) s\b", line)
                if m:
                    seconds[m.group(1)] = float(m.group(2))
    order = list(seconds) + [g for g in jobs if g not in seconds]
    print("| stage | seconds | Spark jobs | Spark stages | tasks | task time (s) | input read (MB) "
          "| shuffle written (MB) | spilled (MB) | table scans |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for g in order:
        scanned = ", ".join(f"{t} {n}" for t, n in sorted(scans[g].items(), key=lambda kv: (-kv[1], kv[0])))
        print(f"| {g} | {seconds.get(g, '')} | {jobs[g]} | {len(stages[g])} | {tasks[g]} | {task_ms[g] / 1000:.1f} "
              f"| {input_bytes[g] / 1e6:.1f} | {shuffle_bytes[g] / 1e6:.1f} | {spill_bytes[g] / 1e6:.1f} "
              f"| {scanned} |")


if __name__ == "__main__":
    main()
