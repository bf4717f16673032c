"""Run the benchmarks in bench/: every bench_*.py module's main(), in name order (`make bench`)."""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent


def discover() -> list[Path]:
    return sorted(BENCH_DIR.glob("bench_*.py"))


def short_name(path: Path) -> str:
    return path.stem.removeprefix("bench_")


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench.{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def select(paths: list[Path], names: Sequence[str]) -> list[Path]:
    if not names:
        return paths
    wanted = {name.removesuffix(".py").removeprefix("bench_") for name in names}
    unknown = wanted - {short_name(path) for path in paths}
    if unknown:
        known = ", ".join(short_name(path) for path in paths) or "none"
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))} (available: {known})")
    return [path for path in paths if short_name(path) in wanted]


def run_one(path: Path) -> bool:
    header = f" {path.name} "
    print(f"\n{header:=^100}", flush=True)
    started = time.perf_counter()
    try:
        module = load(path)
        main = getattr(module, "main", None)
        if not callable(main):
            print(f"{path.name} defines no main(); skipped", file=sys.stderr)
            return False
        result = main()
    except SystemExit as exit_:
        ok = exit_.code in (None, 0)
    except Exception:
        traceback.print_exc()
        ok = False
    else:
        # A benchmark may report failure by returning a non-zero exit status.
        # (``1 in (0, True)`` holds in Python, so a returned 1 is compared by identity, not equality.)
        ok = result is None or result is True or (type(result) is int and result == 0)
    print(f"-- {path.name}: {'ok' if ok else 'FAILED'} in {time.perf_counter() - started:.1f}s", flush=True)
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run, e.g. `catalog_diff` for bench_catalog_diff.py")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    options = parser.parse_args(argv)

    # Benchmarks import the project (settings, apps) as top-level packages.
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))

    paths = discover()
    if not paths:
        print("No benchmarks yet: add bench/bench_<name>.py modules that define main().")
        return 0
    if options.list:
        for path in paths:
            print(short_name(path))
        return 0

    failed = [path.name for path in select(paths, options.names) if not run_one(path)]
    if failed:
        print(f"\nFailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
