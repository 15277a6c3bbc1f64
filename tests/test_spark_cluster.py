"""The local Spark cluster as a service (scripts/spark_cluster.py, make spark-up / spark-down), started for real on
free ports in a folder of its own: it answers SQL through its Thrift server, a second `up` and a second `down` change
nothing, `down` frees every port, and a table written before a restart is still there after it (the metastore and
the warehouse directory persist). Needs the Spark extras (`make install-spark`) and Java; `make test-spark` runs it."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from cdp.warehouse.spark_cluster import port_answers as answers
from conftest import spark_cluster, spark_cluster_env

pytestmark = pytest.mark.spark

PROCESSES = ("master", "worker-1", "worker-2", "thrift-server")


@pytest.fixture
def cluster_env(tmp_path):
    variables = spark_cluster_env(tmp_path / "cluster")
    env = {**os.environ, **variables}
    yield env, {name: int(value) for name, value in variables.items() if name.endswith("_PORT")}
    run(env, "down")


run = spark_cluster


def cluster(env: dict[str, str], action: str) -> subprocess.CompletedProcess:
    result = run(env, action)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def pids(folder: Path) -> dict[str, int]:
    return {name: int((folder / "run" / f"{name}.pid").read_text()) for name in PROCESSES
            if (folder / "run" / f"{name}.pid").exists()}


def query(port: int, *statements: str) -> list[tuple]:
    from pyhive import hive

    connection = hive.connect(host="127.0.0.1", port=port, username="cdp")
    try:
        cursor = connection.cursor()
        for statement in statements:
            cursor.execute(statement)
        return cursor.fetchall()
    finally:
        connection.close()


def test_the_cluster_starts_once_answers_sql_stops_once_and_keeps_its_tables(cluster_env):
    env, ports = cluster_env
    folder = Path(env["CDP_SPARK_CLUSTER_DIR"])

    started = cluster(env, "up")
    running = pids(folder)
    assert set(running) == set(PROCESSES)
    assert answers(ports["CDP_SPARK_THRIFT_PORT"]) and answers(ports["CDP_SPARK_MASTER_PORT"])
    # where the logs are is printed, one per process
    assert all(str(folder / "logs" / f"{name}.log") in started.stdout for name in PROCESSES)
    assert query(ports["CDP_SPARK_THRIFT_PORT"],
                 "create database if not exists raw_marketo",
                 "create table raw_marketo.lead using parquet as select '1' as id, 'p2@townsend.com' as email",
                 "select id, email from raw_marketo.lead") == [("1", "p2@townsend.com")]
    # the two workers joined the master (one core each): the job ran on the cluster, not in the server alone
    master_log = (folder / "logs" / "master.log").read_text()
    assert master_log.count("Registering worker") == 2

    again = cluster(env, "up")
    assert "already running" in again.stderr and pids(folder) == running

    cluster(env, "down")
    assert not any(answers(port) for port in ports.values())
    assert pids(folder) == {}
    assert "not running" in cluster(env, "down").stderr

    # a restart finds the table in the metastore, its files in the warehouse directory
    cluster(env, "up")
    assert query(ports["CDP_SPARK_THRIFT_PORT"], "select count(*) from raw_marketo.lead") == [(1,)]
    assert list((folder / "warehouse").glob("raw_marketo.db/lead/*.parquet"))


def test_a_taken_port_is_named_with_the_variable_that_moves_it_and_nothing_starts(cluster_env):
    env, ports = cluster_env
    folder = Path(env["CDP_SPARK_CLUSTER_DIR"])
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", ports["CDP_SPARK_MASTER_PORT"]))
        squatter.listen()
        result = run(env, "up")

    assert result.returncode == 1
    assert f"port {ports['CDP_SPARK_MASTER_PORT']}" in result.stderr and "CDP_SPARK_MASTER_PORT" in result.stderr
    assert pids(folder) == {}
