#!/usr/bin/env python3
"""Broker killed: kill -9 the RabbitMQ node (its Erlang VM) mid-run and start it again; every execution
must finish SUCCEEDED with the right output, no timer lost, every task result applied once.

  python3 scripts/fault/broker_killed.py [--baton PATH]

The run (durable.py): BK_EXECUTIONS (default 200) executions of T1 → T2 → Wait (2–14 s) → T3 → T4 → T5,
every 4th failing T3 once (a Retry timer), BK_WORKERS (2) Python workers taking BK_TASK_MS (30) ms a
task, starts spread over BK_START_SPREAD (3) s. When the workers have answered BK_KILL_AT (0.4) of all
task attempts, the test counts the executions sitting in a Wait or waiting for a retry, kills the node
with kill -9, leaves it down BK_DOWN (3) s, and starts it again on the same data (BK_KILLS, default 1,
kills in all). `baton serve`, the workers and the client reconnect by themselves. When this baton has
`serve --store`, it runs with a store and the histories are checked too.
Port 5816, node fault-brokerkill. FAULT_KEEP=1 keeps the work folder.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib as F  # noqa: E402
import durable  # noqa: E402

PORT, NODE = 5816, "fault-brokerkill"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baton")
    args = ap.parse_args()
    baton = F.baton_binary(args.baton)
    s = F.seed()
    kill_at = F.env_float("BK_KILL_AT", 0.4)
    kills_n = F.env_int("BK_KILLS", 1)
    down = F.env_float("BK_DOWN", 3)
    run = durable.Run("broker_killed", PORT, NODE, "BK")
    use_store = F.store_supported(baton)
    F.log(f"broker_killed: {run.n} executions × 5 tasks, {kills_n} broker kill(s) from {kill_at:.0%} of the "
          f"tasks, seed {s}, store {'yes' if use_store else 'no (this baton has no --store)'}")
    kills = 0
    try:
        run.setup(baton, use_store)
        run.start_executions()
        moments = [kill_at] if kills_n == 1 else durable.pick_moments(kills_n, kill_at * 0.5, 0.85)
        waiting_total = retry_total = 0
        for m in moments:
            if not run.wait_progress(m):
                break
            waiting, retrying = run.pending_timers()
            waiting_total += waiting
            retry_total += retrying
            t = time.monotonic()
            pid = run.broker.kill9()
            kills += 1
            F.log(f"kill -9 broker (beam pid {pid}) at {run.answered()}/{run.expected_attempts()} answered "
                  f"attempts; {waiting} executions in a Wait, {retrying} waiting for a retry")
            time.sleep(down)
            took = run.broker.start()
            F.log(f"broker back after {time.monotonic() - t:.1f} s (start took {took:.1f} s)")
            if not run.serve.alive():
                run.rep.check(False, f"baton serve exited when the broker died (exit {run.serve.proc.returncode})")
                break
        run.rep.figure("Waits pending at the kills", waiting_total)
        run.rep.figure("retries pending at the kills", retry_total)
        run.rep.check(waiting_total > 0, f"executions were in a Wait when the broker died ({waiting_total})")
        run.finish(kills)
        run.rep.check(run.serve.alive(), "baton serve kept running through the broker's crash")
    except Exception as e:  # noqa: BLE001
        run.rep.check(False, f"test could not run: {e}")
    finally:
        failed = run.cleanup()
    return failed


if __name__ == "__main__":
    sys.exit(main())
