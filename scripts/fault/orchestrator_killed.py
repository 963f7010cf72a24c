#!/usr/bin/env python3
"""Orchestrator killed: `baton serve --store PATH` is killed with kill -9 at random moments of a run and
started again on the same store each time; every execution must finish SUCCEEDED with the right output,
and every task result must be applied exactly once (one TaskSucceeded per answered attempt in the
history; the worker-side count agrees).

  python3 scripts/fault/orchestrator_killed.py [--baton PATH]

The run (durable.py): OK_EXECUTIONS (default 200) executions of T1 → T2 → Wait (2–14 s) → T3 → T4 → T5,
every 4th failing T3 once (a Retry timer), OK_WORKERS (2) Python workers taking OK_TASK_MS (30) ms a task.
OK_KILLS (default 10) kills, at random moments between 5 % and 90 % of the task attempts answered
(FAULT_SEED makes them repeatable); each time serve stays dead a random OK_DOWN (default 0.2-3) seconds,
so some timers come due while it is down, and is started again with the same --store. After a share
OK_RECOVERY_KILLS (default 0.3) of the kills, the new process is killed once more within 0.4 s of its start
(while it replays the store and publishes the outbox) before the restart that goes on.
Until `baton serve --help` shows --store, the test prints "SKIPPED: baton serve has no --store" and exits 0.
OK_NO_STORE=1 runs it without a store, to see it fail (the in-memory orchestrator loses every execution in
flight at a kill).
Port 5821, node fault-orchkill. FAULT_KEEP=1 keeps the work folder.
"""
import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib as F  # noqa: E402
import durable  # noqa: E402

PORT, NODE = 5821, "fault-orchkill"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baton")
    args = ap.parse_args()
    baton = F.baton_binary(args.baton)
    use_store = F.store_supported(baton) and os.environ.get("OK_NO_STORE") != "1"
    if not use_store and os.environ.get("OK_NO_STORE") != "1":
        print("SKIPPED: baton serve has no --store", flush=True)
        return 0
    s = F.seed()
    kills_n = F.env_int("OK_KILLS", 10)
    down_spec = os.environ.get("OK_DOWN") or "0.2-3"  # seconds serve stays dead: a number or a range LOW-HIGH
    low, _, high = down_spec.partition("-")
    down_range = (float(low), float(high or low))
    run = durable.Run("orchestrator_killed", PORT, NODE, "OK")
    F.log(f"orchestrator_killed: {run.n} executions × 5 tasks, {kills_n} kills of baton serve, seed {s}")
    kills = 0
    recoveries = []
    recovery_kills = 0
    recovery_kill_share = F.env_float("OK_RECOVERY_KILLS", 0.3)
    try:
        run.setup(baton, use_store)
        run.start_executions()
        moments = durable.pick_moments(kills_n, 0.05, 0.9)
        F.log("kill moments (fraction of task attempts answered): " + ", ".join(f"{m:.2f}" for m in moments))
        waiting_total = retry_total = 0
        for m in moments:
            if not run.wait_progress(m):
                break
            waiting, retrying = run.pending_timers()
            waiting_total += waiting
            retry_total += retrying
            pid = run.serve.pid
            run.serve.kill9()
            kills += 1
            answered = run.answered()
            down = random.uniform(*down_range)
            time.sleep(down)
            if random.random() < recovery_kill_share:
                # Killed again while it recovers (replaying the store, publishing the outbox, re-arming timers).
                run.serve.start(wait=False)
                time.sleep(random.uniform(0.0, 0.4))
                run.serve.kill9()
                recovery_kills += 1
                F.log(f"  killed again {recovery_kills}: during recovery")
            t = time.monotonic()
            run.serve.start()
            recoveries.append(time.monotonic() - t)
            F.log(f"kill #{kills}: kill -9 baton serve pid {pid} at {answered}/{run.expected_attempts()} answered "
                  f"attempts ({waiting} in a Wait, {retrying} waiting for a retry); dead {down:.1f} s, restarted as pid "
                  f"{run.serve.pid}, consuming after {recoveries[-1]:.1f} s")
        run.rep.figure("Waits pending at the kills (sum)", waiting_total)
        run.rep.figure("restart to consuming s (median, max)",
                       f"{sorted(recoveries)[len(recoveries) // 2]:.1f}, {max(recoveries):.1f}" if recoveries else "-")
        run.rep.figure("kills during recovery", recovery_kills)
        run.rep.check(kills == kills_n, f"baton serve killed {kills} times (wanted {kills_n})")
        run.finish(kills + recovery_kills)
    except Exception as e:  # noqa: BLE001
        run.rep.check(False, f"test could not run: {e}")
    finally:
        failed = run.cleanup()
    return failed


if __name__ == "__main__":
    sys.exit(main())
