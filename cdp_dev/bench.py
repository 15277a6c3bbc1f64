"""The benchmark: generate (cached per scale), load, build, build incrementally, measure freshness, against targets.

Every figure comes from one run on one machine, with the floor measured in the same run: the time DuckDB takes
to read every raw table once. Loading and building are compared with it, so the ratios say how much work the
pipeline adds on top of reading the data, whatever the machine.

The steps (each in its own process where memory is measured, so the peak RSS is that of dbt and DuckDB):
1. generate the raw files (cdp_dev.generator), cached in ``<cache>/data-<accounts>-seed<seed>/``;
2. load them into a fresh warehouse (scripts/load_raw.py);
3. the floor: ``select sum(hash(columns(*)))`` over every raw table, every column read once; then ``dbt parse``
   (timed apart: a scheduled deployment parses once per code change, not per build);
4. ``dbt build`` of everything as a scheduled full build runs it: every model and its data tests (the unit tests
   check SQL, not data, and run in `make test`);
5. 1 % new activities (a generated batch) through one pipeline cycle: load, then the incremental build of what it
   affects (the build step is what is timed);
6. freshness: a new-product page visit by a person at a >$1M account who is not in seg_new_product_upsell is
   dropped, and one pipeline cycle runs; the time until that person is in segment_membership and in the Marketo
   import file;
7. the identity stress case (cdp_dev/identity_stress.py): int_persons_resolved as dbt compiles it, over one chain
   of 50,000 records and one of 1,000, each link a distinct value.

With CDP_TARGET=spark_cluster the same steps run on the local Spark cluster (make spark-up), which must be this
machine's (CDP_SPARK_HOST 127.0.0.1): the benchmark starts from an empty catalog, dropping every database but
``default``. The floor is then Spark's own scan of the raw tables; the identity stress case (DuckDB's), the peak
memory of the commands (the cluster's processes are not theirs) and the DuckDB targets are left out.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb

from cdp import pipeline
from cdp.text_table import format_table
from cdp.warehouse.connection import PROJECT_ROOT, connect, engine
from cdp.warehouse.dbt_runner import DBT, dbt_env
from cdp.warehouse.raw_contract import load_contract
from cdp_dev import generator, identity_stress

log = logging.getLogger(__name__)

DEFAULT_CACHE = PROJECT_ROOT / "warehouse" / "bench"
SEGMENT = "seg_new_product_upsell"
BATCH_FRACTION = 0.01
# The targets' scale: "--accounts 100000: about 1M persons and 10M+ activities", i.e. about 12 activities per person
# (the generator's own default, 100 per person, gives ~90M activities at that scale: --activities-per-person 100).
DEFAULT_ACTIVITIES_PER_PERSON = 12.0
# Targets at --accounts 100000 on the reference machine (2 cores, 24 GB): README, "Performance".
TARGET_FULL_BUILD_S = 30.0
TARGET_BUILD_OVER_FLOOR = 15.0
TARGET_LOAD_OVER_FLOOR = 3.0
TARGET_INCREMENTAL_SHARE = 0.10
TARGET_FRESHNESS_S = 60.0
TARGET_PEAK_RSS_MB = 4096.0
TARGET_IDENTITY_S = 5.0  # the identity models together, in the full build
TARGET_STRESS_S = 10.0  # "finishes in seconds": each stress chain
IDENTITY_MODELS = ("int_person_records_unioned", "int_person_identity_claims", "int_person_links",
                   "int_persons_resolved")
STRESS_CHAINS = (50_000, 1_000)


@dataclass
class BenchResult:
    accounts: int
    seed: int
    activities_per_person: float
    generated_s: float | None = None  # None: the data set came from the cache
    raw_rows: int = 0
    raw_activity_rows: int = 0
    floor_scan_s: float = 0.0
    parse_s: float = 0.0
    load_s: float = 0.0
    full_build_s: float = 0.0
    incremental_rows: int = 0
    incremental_build_s: float = 0.0
    freshness_s: float = 0.0
    peak_rss_mb: float = 0.0
    warehouse_mb: float = 0.0
    identity_models_s: dict[str, float] = field(default_factory=dict)
    stress: list[identity_stress.ChainResult] = field(default_factory=list)
    heaviest_full: list[tuple[str, float]] = field(default_factory=list)
    heaviest_incremental: list[tuple[str, float]] = field(default_factory=list)
    # where each build's time goes: (group of nodes, nodes, seconds of node time), see Bench._profile
    profile_full: list[tuple[str, int, float]] = field(default_factory=list)
    profile_incremental: list[tuple[str, int, float]] = field(default_factory=list)
    measured_at: str = ""
    engine: str = "duckdb"  # or spark: the local Spark cluster (CDP_TARGET=spark_cluster)

    @property
    def checks(self) -> list[tuple[str, str, str, bool]]:
        """(metric, value, target, met) for the README's targets (DuckDB's: none on Spark)."""
        if self.engine != "duckdb":
            return []
        floor = self.floor_scan_s or float("nan")
        return [
            ("full dbt build", f"{self.full_build_s:.1f} s", f"< {TARGET_FULL_BUILD_S:.0f} s",
             self.full_build_s < TARGET_FULL_BUILD_S),
            ("full build / floor", f"{self.full_build_s / floor:.1f} x", f"< {TARGET_BUILD_OVER_FLOOR:.0f} x",
             self.full_build_s / floor < TARGET_BUILD_OVER_FLOOR),
            ("load / floor", f"{self.load_s / floor:.1f} x", f"< {TARGET_LOAD_OVER_FLOOR:.0f} x",
             self.load_s / floor < TARGET_LOAD_OVER_FLOOR),
            ("incremental / full build", f"{100 * self.incremental_build_s / self.full_build_s:.1f} %",
             f"< {100 * TARGET_INCREMENTAL_SHARE:.0f} %",
             self.incremental_build_s < TARGET_INCREMENTAL_SHARE * self.full_build_s),
            ("end-to-end freshness", f"{self.freshness_s:.1f} s", f"< {TARGET_FRESHNESS_S:.0f} s",
             self.freshness_s < TARGET_FRESHNESS_S),
            ("peak memory (RSS)", f"{self.peak_rss_mb:,.0f} MB", f"< {TARGET_PEAK_RSS_MB:,.0f} MB",
             self.peak_rss_mb < TARGET_PEAK_RSS_MB),
            ("identity models", f"{sum(self.identity_models_s.values()):.1f} s", f"<= {TARGET_IDENTITY_S:.0f} s",
             sum(self.identity_models_s.values()) <= TARGET_IDENTITY_S),
            *[(f"identity stress: chain of {chain.records:,}", f"{chain.seconds:.1f} s",
               f"< {TARGET_STRESS_S:.0f} s, one person", chain.is_one_person and chain.seconds < TARGET_STRESS_S)
              for chain in self.stress],
        ]

    def format(self) -> str:
        facts = [
            ("accounts", f"{self.accounts:,}"),
            ("raw rows (activities)", f"{self.raw_rows:,} ({self.raw_activity_rows:,})"),
            ("generate", "cached" if self.generated_s is None else f"{self.generated_s:.1f} s"),
            ("raw scan (floor)", f"{self.floor_scan_s:.2f} s"),
            ("load", f"{self.load_s:.1f} s"),
            ("dbt parse (once per code change, not in the builds)", f"{self.parse_s:.1f} s"),
            ("full dbt build", f"{self.full_build_s:.1f} s"),
            (f"incremental build (+{self.incremental_rows:,} activities)", f"{self.incremental_build_s:.1f} s"),
            ("end-to-end freshness", f"{self.freshness_s:.1f} s"),
            ("peak memory (RSS)", f"{self.peak_rss_mb:,.0f} MB" if self.engine == "duckdb" else "-"),
            ("warehouse size", f"{self.warehouse_mb:,.0f} MB"),
            *[(f"  {model}", f"{seconds:.1f} s") for model, seconds in self.identity_models_s.items()],
            *[(f"identity stress: chain of {chain.records:,}",
               f"{chain.persons:,} person{'s' if chain.persons != 1 else ''}, {chain.seconds:.1f} s")
              for chain in self.stress],
        ]
        lines = [f"benchmark at --accounts {self.accounts:,} (seed {self.seed}, {self.activities_per_person:g} activities"
                 f" per person) on {self.engine}, {self.measured_at}", ""]
        lines += format_table([("measure", "value"), *facts], right_aligned={1}, header_rule=True)
        if self.checks:
            lines += ["", *format_table([("target", "value", "goal", "met"),
                                         *[(m, v, t, "yes" if ok else "NO") for m, v, t, ok in self.checks]],
                                        right_aligned={1}, header_rule=True)]
        for title, wall, profile in (("full build", self.full_build_s, self.profile_full),
                                     ("incremental build", self.incremental_build_s, self.profile_incremental)):
            if profile:
                busy = sum(seconds for _, _, seconds in profile)
                rows = [(group, f"{nodes:,}", f"{seconds:.1f}") for group, nodes, seconds in profile]
                rows.append(("all nodes", f"{sum(n for _, n, _ in profile):,}", f"{busy:.1f}"))
                lines += ["", *format_table([(f"where the {title}'s time goes", "nodes", "node seconds"), *rows],
                                            right_aligned={1, 2}, header_rule=True),
                          f"{wall:.1f} s of wall time: {busy / wall:.2f} nodes running on average; the rest of the "
                          "time dbt starts, plans and records the nodes"]
        for title, models in (("heaviest models, full build", self.heaviest_full),
                              ("heaviest models, incremental build", self.heaviest_incremental)):
            if models:
                lines += ["", *format_table([(title, "seconds"), *[(n, f"{s:.2f}") for n, s in models]],
                                            right_aligned={1}, header_rule=True)]
        return "\n".join(lines)


class Bench:
    def __init__(self, accounts: int, seed: int, cache: Path,
                 activities_per_person: float = DEFAULT_ACTIVITIES_PER_PERSON) -> None:
        self.accounts, self.seed, self.cache = accounts, seed, cache
        self.activities_per_person = activities_per_person
        scale = f"{accounts}-seed{seed}-app{activities_per_person:g}"
        self.engine = engine()
        self.data = cache / f"data-{scale}"
        self.work = cache / f"run-{scale}" if self.engine == "duckdb" else cache / f"run-{scale}-{self.engine}"
        self.warehouse = self.work / "bench.duckdb"
        self.drop = self.work / "drop"
        self.out = self.work / "out"
        self.target = self.work / "target"
        self.result = BenchResult(accounts, seed, activities_per_person, engine=self.engine,
                                  measured_at=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))

    # -- helpers ---------------------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        without_marketo = {k: v for k, v in os.environ.items() if not k.startswith("MARKETO_")}
        return {**dbt_env(self.warehouse, without_marketo), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}

    def _run(self, label: str, command: list[str]) -> float:
        log.info("%s ...", label)
        started = time.monotonic()
        result = subprocess.run(command, cwd=PROJECT_ROOT, env=self._env(), capture_output=True, text=True)
        seconds = time.monotonic() - started
        if result.returncode != 0:
            raise RuntimeError(f"{label} failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")
        log.info("%s: %.1f s", label, seconds)
        return seconds

    def _dbt(self, label: str, command: str, *args: str) -> float:
        return self._run(label, [str(DBT), command, *args,
                                 "--target-path", str(self.target), "--log-path", str(self.work / "logs")])

    def _results(self) -> list[dict]:
        """The node results of the last dbt command, from its run_results.json (read once per build)."""
        return json.loads((self.target / "run_results.json").read_text())["results"]

    @staticmethod
    def _model_seconds(results: list[dict]) -> dict[str, float]:
        """Each model's execution time."""
        return {r["unique_id"].split(".", 2)[-1]: float(r["execution_time"]) for r in results
                if r["unique_id"].startswith("model.")}

    def _profile(self, results: list[dict]) -> list[tuple[str, int, float]]:
        """Node time by kind: models per layer (the top folder under models/, from the manifest), data tests,
        seeds."""
        nodes = json.loads((self.target / "manifest.json").read_text())["nodes"]
        groups: dict[str, list[float]] = {}
        for result in results:
            node = nodes.get(result["unique_id"], {})
            kind = node.get("resource_type", result["unique_id"].split(".", 1)[0])
            if kind == "model" and len(node.get("fqn", [])) > 2:
                group = f"models: {node['fqn'][1]}"
            else:
                group = "data tests" if kind == "test" else f"{kind}s"
            groups.setdefault(group, []).append(float(result["execution_time"]))
        return sorted(((group, len(times), sum(times)) for group, times in groups.items()), key=lambda g: -g[2])

    @staticmethod
    def _heaviest(seconds: dict[str, float], count: int = 5) -> list[tuple[str, float]]:
        return sorted(seconds.items(), key=lambda item: -item[1])[:count]

    # -- steps -----------------------------------------------------------------------------

    def generate(self) -> None:
        marker = self.data / ".complete"
        if marker.exists():
            log.info("data set cached in %s", self.data)
            return
        log.info("generating --accounts %d --seed %d into %s", self.accounts, self.seed, self.data)
        started = time.monotonic()
        generator.generate(self.accounts, self.seed, self.data, activities_per_person=self.activities_per_person,
                           force=True)
        self.result.generated_s = time.monotonic() - started
        marker.write_text(datetime.now(timezone.utc).isoformat())

    def _empty_spark_catalog(self) -> None:
        """Drop every database of the local cluster but ``default``: the Spark benchmark starts empty, as the DuckDB
        one starts from a new file. Refused for a server elsewhere than on this machine."""
        from cdp.warehouse.spark_warehouse import server_address

        host, port = server_address()
        if host not in ("127.0.0.1", "localhost"):
            raise RuntimeError(f"the Spark benchmark empties the catalog: run it on the local cluster (make spark-up),"
                               f" not on {host}:{port}")
        with connect() as con:
            for (database,) in con.fetchall("show databases"):
                if database != "default":
                    con.execute(f"drop database {con.quote(database)} cascade")

    def load(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        for path in (self.warehouse, self.warehouse.with_name(self.warehouse.name + ".wal")):
            path.unlink(missing_ok=True)
        if self.engine == "spark":
            self._empty_spark_catalog()
        self.result.load_s = self._run("load", [sys.executable, str(PROJECT_ROOT / "scripts" / "load_raw.py"),
                                                str(self.data), "--warehouse", str(self.warehouse)])

    def floor(self) -> None:
        """Every column of every raw table read once: DuckDB's ``hash(columns(*))``, Spark's ``hash(*)``."""
        tables = [table for source in load_contract().values() for table in source.tables.values()]
        scan = "sum(hash(columns(*)))" if self.engine == "duckdb" else "sum(hash(*))"
        with connect(self.warehouse, read_only=True) as con:
            present = [t for t in tables if con.table_exists(t.schema, t.name)]
            relations = {t: f"{con.quote(t.schema)}.{con.quote(t.name)}" for t in present}
            started = time.monotonic()
            for table in present:
                con.fetchall(f"select {scan} from {relations[table]}")
            self.result.floor_scan_s = time.monotonic() - started
            counts = {t: con.fetchone(f"select count(*) from {relations[t]}")[0] for t in present}
        self.result.raw_rows = sum(counts.values())
        self.result.raw_activity_rows = sum(rows for t, rows in counts.items() if t.name.startswith("activity_"))

    def parse(self) -> None:
        """Parse the project once, untimed in the builds: a scheduled deployment keeps its target folder, so its
        builds read the parsed project back (dbt's partial parsing) and parse again only after a code change."""
        self.result.parse_s = self._dbt("dbt parse", "parse")

    def full_build(self) -> None:
        self.result.full_build_s = self._dbt("full dbt build", "build", *pipeline.full_build_args())
        results = self._results()
        seconds = self._model_seconds(results)
        self.result.heaviest_full = self._heaviest(seconds)
        self.result.profile_full = self._profile(results)
        self.result.identity_models_s = {model: seconds.get(model, 0.0) for model in IDENTITY_MODELS}

    def incremental_build(self) -> None:
        counts = generator.generate_activity_batch(self.accounts, self.seed, self.drop, BATCH_FRACTION, batch_id=1,
                                                   activities_per_person=self.activities_per_person)
        self.result.incremental_rows = sum(counts.values())
        batches, _ = pipeline.load_batches(self.drop, str(self.warehouse))
        tables = pipeline.unbuilt_tables(str(self.warehouse))
        self.result.incremental_build_s = self._dbt("incremental dbt build", "build",
                                                    *pipeline.incremental_build_args(tables))
        pipeline.mark_built(str(self.warehouse))
        results = self._results()
        self.result.heaviest_incremental = self._heaviest(self._model_seconds(results))
        self.result.profile_incremental = self._profile(results)

    def freshness(self) -> None:
        with connect(self.warehouse, read_only=True) as con:
            found = con.execute(
                """
                select m.source_id, t.email
                from marts.person_traits as t
                inner join marts.person_identity_map as m
                    on m.person_id = t.person_id and m.source_system = 'marketo' and m.source_object = 'lead'
                inner join marts.dim_persons as p on p.person_id = t.person_id
                where t.max_account_won_revenue_usd > 1000000 and t.is_marketable
                    and t.person_id not in (select person_id from segments.segment_membership where segment_name = ?)
                order by t.person_id, m.source_id
                limit 1
                """, [SEGMENT]).fetchone()
        if found is None:
            raise RuntimeError("no person at a >$1M account outside the segment to measure freshness with")
        lead_id, email = found
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        visit = (self.drop / "marketo")
        visit.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with duckdb.connect() as con:
            con.execute(
                "copy (select 'bench-fresh-1' as id, ? as lead_id, ?::timestamp as activity_date,"
                " 'https://www.example.com/products/new-platform' as webpage_url, 'New Platform' as"
                " primary_attribute_value, ?::timestamp as _fivetran_synced, true as _fivetran_active)"
                " to ? (format parquet)",
                [lead_id, now - timedelta(minutes=1), now, (visit / "activity_visit_webpage.parquet").as_posix()])
        self._run("pipeline cycle", [sys.executable, str(PROJECT_ROOT / "scripts" / "run_pipeline.py"),
                                     "--drop", str(self.drop), "--warehouse", str(self.warehouse),
                                     "--out", str(self.out), "--target-path", str(self.target)])
        self.result.freshness_s = time.monotonic() - started
        with connect(self.warehouse, read_only=True) as con:
            in_segment = con.execute("select count(*) from segments.segment_membership where segment_name = ?"
                                     " and lower(trim(email)) = lower(trim(?))", [SEGMENT, email]).fetchone()[0]
        exported = (self.out / f"{SEGMENT}.marketo.csv").read_text()
        if not in_segment or email.strip().lower() not in exported.lower():
            raise RuntimeError(f"the new visit did not bring {email} into {SEGMENT} and its export")

    def identity_stress(self) -> None:
        """The compiled int_persons_resolved over long chains, in a DuckDB of its own (cdp_dev/identity_stress);
        not on Spark."""
        if self.engine != "duckdb":
            return
        workdir = self.work / "identity-stress"
        workdir.mkdir(parents=True, exist_ok=True)
        sql = identity_stress.compile_model(workdir)
        with duckdb.connect() as con:
            for length in STRESS_CHAINS:
                log.info("identity stress: a chain of %d records ...", length)
                chain = identity_stress.resolve_chain(con, sql, length)
                log.info("identity stress: %d records -> %d persons in %.1f s", chain.records, chain.persons,
                         chain.seconds)
                self.result.stress.append(chain)

    def run(self) -> BenchResult:
        self.generate()
        for folder in (self.drop, self.out):
            if folder.exists():
                shutil.rmtree(folder)
        self.load()
        self.floor()
        self.parse()
        self.full_build()
        self.incremental_build()
        self.freshness()
        self.identity_stress()
        self.result.peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        self.result.warehouse_mb = self._warehouse_bytes() / 2**20
        return self.result


    def _warehouse_bytes(self) -> int:
        """The DuckDB file, or the local cluster's table folder."""
        if self.engine == "duckdb":
            return self.warehouse.stat().st_size
        from cdp.warehouse.spark_cluster import Settings

        return sum(path.stat().st_size for path in (Settings.from_environment().root / "warehouse").rglob("*")
                   if path.is_file())


def write_json(result: BenchResult, path: Path) -> Path:
    data = asdict(result)
    data["checks"] = [{"metric": m, "value": v, "target": t, "met": ok} for m, v, t, ok in result.checks]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path
