"""A local Spark cluster as a service (README "Running on a distributed engine"): a standalone master, two workers
of one core each and the Spark Thrift server, with a persistent Hive metastore (embedded Derby) and warehouse
directory, all from the pinned pyspark wheel (requirements-spark.txt) and Java 17.

Everything lives under one folder (default ``warehouse/spark-cluster/``, $CDP_SPARK_CLUSTER_DIR):

    logs/            one log per process (master, worker-1, worker-2, thrift-server)
    run/             one pid file per running process
    metastore/       the Derby metastore (metastore_db/, derby.log)
    warehouse/       the tables (spark.sql.warehouse.dir)
    work/worker-N/   the workers' scratch space

Every port is bound to 127.0.0.1, and the master's REST submission server is off: nothing is reachable from
outside the machine. ``start`` and ``stop`` are idempotent: a running cluster is left as it is, a stopped one is
not stopped again. The Thrift server's port is the one the ``spark_cluster`` target of profiles.yml connects to.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cdp.warehouse.connection import PROJECT_ROOT

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
DEFAULT_DIR = "warehouse/spark-cluster"
# The processes, in the order they start; the workers (one core each) put their web pages on the ports after the
# master's.
WORKERS = ("worker-1", "worker-2")
PROCESSES = ("master", *WORKERS, "thrift-server")
THRIFT_SERVER_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"
# The lines a worker logs once it joined the master, and the Thrift server once it accepts sessions (its port
# opens a moment before that).
WORKER_READY = "Successfully registered with master"
THRIFT_READY = "HiveThriftServer2 started"
START_TIMEOUT_S = float(os.environ.get("CDP_SPARK_START_TIMEOUT", "300"))
STOP_TIMEOUT_S = 30.0


class ClusterError(Exception):
    """The cluster could not be started or stopped; the message says why and which log to read."""


@dataclass(frozen=True)
class Settings:
    """Where the cluster lives and which ports it takes, from the environment (defaults in brackets):
    $CDP_SPARK_CLUSTER_DIR [warehouse/spark-cluster], $CDP_SPARK_MASTER_PORT [7077],
    $CDP_SPARK_UI_PORT [8080; the workers' pages take the next ports], $CDP_SPARK_THRIFT_PORT [10000],
    $CDP_SPARK_WORKER_MEMORY [2g], $CDP_SPARK_EXECUTOR_MEMORY [1g], $CDP_SPARK_DRIVER_MEMORY [2g]."""

    root: Path
    master_port: int
    ui_port: int
    thrift_port: int
    worker_memory: str
    executor_memory: str
    driver_memory: str

    @classmethod
    def from_environment(cls) -> Settings:
        root = Path(os.environ.get("CDP_SPARK_CLUSTER_DIR") or DEFAULT_DIR)
        return cls(
            root=(root if root.is_absolute() else PROJECT_ROOT / root).resolve(),
            master_port=int(os.environ.get("CDP_SPARK_MASTER_PORT", "7077")),
            ui_port=int(os.environ.get("CDP_SPARK_UI_PORT", "8080")),
            thrift_port=int(os.environ.get("CDP_SPARK_THRIFT_PORT", "10000")),
            worker_memory=os.environ.get("CDP_SPARK_WORKER_MEMORY", "2g"),
            executor_memory=os.environ.get("CDP_SPARK_EXECUTOR_MEMORY", "1g"),
            driver_memory=os.environ.get("CDP_SPARK_DRIVER_MEMORY", "2g"),
        )

    @property
    def master_url(self) -> str:
        return f"spark://{HOST}:{self.master_port}"

    def log_file(self, name: str) -> Path:
        return self.root / "logs" / f"{name}.log"

    def pid_file(self, name: str) -> Path:
        return self.root / "run" / f"{name}.pid"


def spark_home() -> Path:
    """The Spark distribution inside the pyspark wheel (bin/spark-class, bin/spark-submit, jars/)."""
    try:
        import pyspark
    except ImportError as error:
        raise ClusterError("pyspark is not installed: run `make install-spark` first") from error
    return Path(pyspark.__file__).resolve().parent


def port_answers(port: int, host: str = HOST) -> bool:
    """Whether something accepts connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((host, port)) == 0


def running_pid(settings: Settings, name: str) -> int | None:
    """The pid of process `name` when its pid file names a live process, else None (a stale file is removed)."""
    path = settings.pid_file(name)
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        path.unlink(missing_ok=True)
        return None
    except PermissionError:  # alive, but another user's: not ours to manage
        return None
    return pid


class Cluster:
    """Start, stop and describe the local cluster (see the module's description)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_environment()
        self.home = spark_home()
        self._started: dict[str, subprocess.Popen] = {}  # the processes this call started, by name

    # -- processes -------------------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        return {**os.environ, "SPARK_HOME": str(self.home), "SPARK_LOCAL_IP": HOST,
                # the cluster's own logging (INFO, into each process's log file), whatever the caller's
                "SPARK_CONF_DIR": str(PROJECT_ROOT / "spark" / "cluster"),
                # no REST submission server on the master (it would listen on a port of its own)
                "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false"}

    def _launch(self, name: str, command: list[str]) -> None:
        log_file = self.settings.log_file(name)
        with log_file.open("ab") as output:
            process = subprocess.Popen(command, cwd=self.settings.root, env=self._env(), stdout=output,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.settings.pid_file(name).write_text(f"{process.pid}\n")
        self._started[name] = process

    def _wait(self, name: str, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not ready():
            if self._started[name].poll() is not None:
                self.settings.pid_file(name).unlink(missing_ok=True)
                raise ClusterError(f"the {name} stopped while starting: see {self.settings.log_file(name)}")
            if time.monotonic() > deadline:
                raise ClusterError(f"the {name} did not {what} within {START_TIMEOUT_S:.0f} s "
                                   f"(CDP_SPARK_START_TIMEOUT): see {self.settings.log_file(name)}")
            time.sleep(0.5)

    # -- commands --------------------------------------------------------------------------

    def start(self) -> bool:
        """Start what is not running, in order, each once the one before answers; True when anything started."""
        s = self.settings
        for folder in ("logs", "run", "metastore", "warehouse", *[f"work/{name}" for name in WORKERS]):
            (s.root / folder).mkdir(parents=True, exist_ok=True)
        started = False
        spark_class = str(self.home / "bin" / "spark-class")

        if running_pid(s, "master") is None:
            self._claim_port(s.master_port, "CDP_SPARK_MASTER_PORT")
            log.info("starting the master on %s (web page http://%s:%d)", s.master_url, HOST, s.ui_port)
            self._launch("master", [spark_class, "org.apache.spark.deploy.master.Master", "--host", HOST,
                                    "--port", str(s.master_port), "--webui-port", str(s.ui_port)])
            self._wait("master", lambda: port_answers(s.master_port), f"answer on port {s.master_port}")
            started = True

        for n, name in enumerate(WORKERS, start=1):
            if running_pid(s, name) is None:
                log.info("starting %s: 1 core, %s", name, s.worker_memory)
                marker = self._count(name, WORKER_READY)
                self._launch(name, [spark_class, "org.apache.spark.deploy.worker.Worker", "--host", HOST,
                                    "--cores", "1", "--memory", s.worker_memory, "--webui-port",
                                    str(s.ui_port + n), "--work-dir", str(s.root / "work" / name), s.master_url])
                self._wait(name, lambda name=name, marker=marker: self._count(name, WORKER_READY) > marker,
                           "register with the master")
                started = True

        if running_pid(s, "thrift-server") is None:
            self._claim_port(s.thrift_port, "CDP_SPARK_THRIFT_PORT")
            log.info("starting the Thrift server on %s:%d (metastore and tables under %s)", HOST, s.thrift_port,
                     s.root)
            marker = self._count("thrift-server", THRIFT_READY)
            self._launch("thrift-server", [
                str(self.home / "bin" / "spark-submit"), "--class", THRIFT_SERVER_CLASS, "--master", s.master_url,
                "--name", "cdp-thrift-server", "--driver-memory", s.driver_memory,
                "--executor-memory", s.executor_memory,
                "--conf", f"spark.sql.warehouse.dir={s.root / 'warehouse'}",
                "--conf", "spark.sql.catalogImplementation=hive",
                "--conf", "spark.hadoop.javax.jdo.option.ConnectionURL="
                          f"jdbc:derby:;databaseName={s.root / 'metastore' / 'metastore_db'};create=true",
                # Derby writes derby.log and takes its lock beside the metastore, not in the current folder.
                "--conf", f"spark.driver.extraJavaOptions=-Dderby.system.home={s.root / 'metastore'}",
                # What the in-process `spark` target sets per session (profiles.yml and dbt-spark, which turns
                # ANSI mode off); a Thrift server does not take these from a session's parameters.
                "--conf", "spark.sql.ansi.enabled=false",
                "--conf", "spark.sql.session.timeZone=UTC",
                "--conf", "spark.sql.cte.recursion.level.limit=1000",
                "--conf", "spark.sql.shuffle.partitions=2",
                "--hiveconf", f"hive.server2.thrift.port={s.thrift_port}",
                "--hiveconf", f"hive.server2.thrift.bind.host={HOST}",
                "spark-internal",
            ])
            self._wait("thrift-server", lambda: port_answers(s.thrift_port) and self._count(
                "thrift-server", THRIFT_READY) > marker, f"accept sessions on port {s.thrift_port}")
            started = True
        return started

    def stop(self) -> bool:
        """Stop every running process, the Thrift server first; True when anything was running."""
        stopped = False
        for name in reversed(PROCESSES):
            pid = running_pid(self.settings, name)
            if pid is None:
                continue
            log.info("stopping the %s (pid %d)", name, pid)
            self._signal(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT_S
            while running_pid(self.settings, name) is not None and time.monotonic() < deadline:
                time.sleep(0.3)
            if running_pid(self.settings, name) is not None:
                self._signal(pid, signal.SIGKILL)
            self.settings.pid_file(name).unlink(missing_ok=True)
            stopped = True
        return stopped

    def status(self) -> list[tuple[str, str, str]]:
        """(process, pid or 'stopped', log file) for each process."""
        return [(name, str(running_pid(self.settings, name) or "stopped"), str(self.settings.log_file(name)))
                for name in PROCESSES]

    # -- helpers ---------------------------------------------------------------------------

    def _count(self, name: str, text: str) -> int:
        """How often `text` occurs in the log of process `name` (logs are appended to across starts)."""
        path = self.settings.log_file(name)
        return path.read_text(errors="replace").count(text) if path.exists() else 0

    @staticmethod
    def _claim_port(port: int, variable: str) -> None:
        if port_answers(port):
            raise ClusterError(f"port {port} on {HOST} is taken by another program: stop it, or choose another "
                               f"port with {variable}")

    @staticmethod
    def _signal(pid: int, sig: signal.Signals) -> None:
        """Signal the process group the process leads (spark-class starts java as a child)."""
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            pass
        except PermissionError:
            os.kill(pid, sig)
