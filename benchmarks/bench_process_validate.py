"""Benchmark of process-design validation (eiso.processes.design.validate), target < 10 ms for 50 steps.

Builds a valid generated design of 50 steps (runs of tasks, three parallel consultations per run,
approvals with loops back; samples.generated_design) and times on one core, best of the repeats:

* `validate(design)` — the whole check: graph, loops, parallel blocks, longest path, messages;
* as references in the same run: `json.loads` of the design's stored JSON, and
  `ProcessDesign.from_json` (parse + build the dataclasses), with validation's ratio to each;
* the same for the 8-step sample and a 200-step design, to show how it grows.

No database, no Django. Run: .venv/bin/python benchmarks/bench_process_validate.py [--repeat 7] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from eiso.processes.design import ProcessDesign, validate  # noqa: E402
from eiso.processes.design.samples import generated_design, marriage_registration  # noqa: E402

TARGET_MS = 10.0


def per_call_ms(fn: Callable[[], object], repeat: int) -> float:
    """Best-of-`repeat` mean time per call in milliseconds (timeit picks the loop count)."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number * 1000


def measure(design: ProcessDesign, repeat: int) -> dict[str, float]:
    text = design.to_json()
    assert validate(design) == [], "the benchmark design must be valid"
    return {
        "steps": len(design.steps),
        "json_bytes": len(text.encode()),
        "validate_ms": per_call_ms(lambda: validate(design), repeat),
        "json_loads_ms": per_call_ms(lambda: json.loads(text), repeat),
        "from_json_ms": per_call_ms(lambda: ProcessDesign.from_json(text), repeat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON to PATH")
    args = parser.parse_args()

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Python {platform.python_version()} on {platform.machine()}, load average {load:.2f}")
    cases = {
        "sample (8 steps)": marriage_registration(),
        "generated 50 steps": generated_design(50),
        "generated 200 steps": generated_design(200),
    }
    results = {}
    print(
        f"{'design':<22}{'steps':>6}{'JSON B':>8}{'validate':>11}{'json.loads':>12}{'from_json':>11}{'÷loads':>8}{'÷from_json':>11}"
    )
    for label, design in cases.items():
        r = measure(design, args.repeat)
        results[label] = r
        print(
            f"{label:<22}{r['steps']:>6}{r['json_bytes']:>8}{r['validate_ms']:>9.3f}ms{r['json_loads_ms']:>10.3f}ms"
            f"{r['from_json_ms']:>9.3f}ms{r['validate_ms'] / r['json_loads_ms']:>7.1f}×"
            f"{r['validate_ms'] / r['from_json_ms']:>10.1f}×"
        )
    fifty = results["generated 50 steps"]["validate_ms"]
    verdict = "OK" if fifty < TARGET_MS else "OVER TARGET"
    print(f"\n50-step validation: {fifty:.3f} ms (target < {TARGET_MS:.0f} ms): {verdict}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"load_average": load, "target_ms": TARGET_MS, "results": results}, indent=2) + "\n",
            encoding="utf-8",
        )
    if fifty >= TARGET_MS:
        sys.exit(1)


if __name__ == "__main__":
    main()
