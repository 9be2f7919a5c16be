#!/usr/bin/env python3
"""Render the Kubernetes manifests of one Lakeforge stage: a SparkApplication for the Spark operator (Kubeflow's
spark-operator, API sparkoperator.k8s.io/v1beta2) and the equivalent spark-submit line for --master k8s://.

    deploy/kubernetes/render.py --stage train --run-date 2026-11-27 --image registry.example.com/lakeforge:0.1.0 \
        [--config conf/pipelines/flights.yaml] [--namespace lakeforge] [--executors 2] [--training-rows 3000000]

Prints the SparkApplication YAML; --spark-submit prints the spark-submit line instead. Paths are inside the image
(deploy/kubernetes/Dockerfile puts the jar at /opt/lakeforge/lakeforge.jar and conf/ at /opt/lakeforge/conf).
Nothing here is dataset-specific: the pipeline config names the lake (s3a://...), and credentials come from the
Secret lakeforge-credentials (see secret.example.yaml) as environment variables.
"""

from __future__ import annotations

import argparse
import math
import re
import shlex
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
JAR = "local:///opt/lakeforge/lakeforge.jar"
MAIN_CLASS = "dev.lakeforge.app.LakeforgeMain"
SERVICE_ACCOUNT = "lakeforge-spark"
SECRET = "lakeforge-credentials"
# XGBoost's native memory lives outside the JVM heap, so it must fit in spark.executor.memoryOverhead. Measured on the
# flights data (25 features): about 0.5 GB per million training rows, shared across the training workers.
OVERHEAD_GB_PER_MILLION_ROWS = 0.5
MIN_OVERHEAD_GB = 1


def spark_version() -> str:
    """The build's Spark version, from the parent pom (the image and sparkVersion must match the jar)."""
    match = re.search(r"<spark.version>([^<]+)</spark.version>", (ROOT / "pom.xml").read_text(encoding="utf-8"))
    if not match:
        raise SystemExit("render.py: cannot find <spark.version> in pom.xml")
    return match.group(1)


def memory_overhead(training_rows: int, executors: int) -> str:
    """spark.executor.memoryOverhead for XGBoost: each executor holds its share of the training rows natively."""
    gb = OVERHEAD_GB_PER_MILLION_ROWS * training_rows / 1_000_000 / max(executors, 1)
    return f"{max(MIN_OVERHEAD_GB, math.ceil(gb))}g"


def stage_arguments(args: argparse.Namespace) -> list[str]:
    return [args.stage, "--config", f"/opt/lakeforge/{args.config}", "--profile", "cluster",
            "--run-date", args.run_date, "--run-id", args.run_id or f"{args.run_date}-{args.stage}"]


def resource_name(args: argparse.Namespace) -> str:
    """A DNS-1123 name: lakeforge-<pipeline file>-<stage>-<run date>, at most 63 characters."""
    raw = f"lakeforge-{Path(args.config).stem}-{args.stage}-{args.run_date}".lower()
    return re.sub(r"[^a-z0-9-]+", "-", raw).strip("-")[:63].rstrip("-")


def spark_conf(args: argparse.Namespace) -> dict[str, str]:
    conf = {
        # The lake, run state and models are on S3: credentials from the environment (the Secret), never the config.
        "spark.hadoop.fs.s3a.aws.credentials.provider":
            "com.amazonaws.auth.EnvironmentVariableCredentialsProvider",
        "spark.sql.session.timeZone": "UTC",
    }
    if args.mlflow_uri:
        conf["spark.kubernetes.driverEnv.MLFLOW_TRACKING_URI"] = args.mlflow_uri
    return conf


def spark_application(args: argparse.Namespace) -> dict:
    env_from = [{"secretRef": {"name": SECRET}}]
    labels = {"app.kubernetes.io/name": "lakeforge", "lakeforge.dev/stage": args.stage}
    return {
        "apiVersion": "sparkoperator.k8s.io/v1beta2",
        "kind": "SparkApplication",
        "metadata": {"name": resource_name(args), "namespace": args.namespace, "labels": labels},
        "spec": {
            "type": "Java",
            "mode": "cluster",
            "image": args.image,
            "imagePullPolicy": "IfNotPresent",
            "mainClass": MAIN_CLASS,
            "mainApplicationFile": JAR,
            "arguments": stage_arguments(args),
            "sparkVersion": args.spark_version,
            "sparkConf": spark_conf(args),
            # Airflow retries a failed task; the operator must not retry on its own as well.
            "restartPolicy": {"type": "Never"},
            "driver": {"cores": 1, "memory": args.driver_memory, "serviceAccount": SERVICE_ACCOUNT,
                       "labels": labels, "envFrom": env_from},
            "executor": {"instances": args.executors, "cores": args.executor_cores, "memory": args.executor_memory,
                         "memoryOverhead": memory_overhead(args.training_rows, args.executors),
                         "labels": labels, "envFrom": env_from},
        },
    }


def spark_submit(args: argparse.Namespace) -> str:
    app = spark_application(args)["spec"]
    conf = {
        "spark.kubernetes.namespace": args.namespace,
        "spark.kubernetes.container.image": args.image,
        "spark.kubernetes.authenticate.driver.serviceAccountName": SERVICE_ACCOUNT,
        "spark.executor.instances": str(args.executors),
        "spark.executor.cores": str(args.executor_cores),
        "spark.executor.memory": args.executor_memory,
        "spark.executor.memoryOverhead": app["executor"]["memoryOverhead"],
        "spark.driver.memory": args.driver_memory,
        **app["sparkConf"],
    }
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MLFLOW_TRACKING_TOKEN"):
        conf[f"spark.kubernetes.driver.secretKeyRef.{key}"] = f"{SECRET}:{key}"
        conf[f"spark.kubernetes.executor.secretKeyRef.{key}"] = f"{SECRET}:{key}"
    lines = [shlex.join(["spark-submit", "--master", args.master, "--deploy-mode", "cluster",
                         "--name", resource_name(args), "--class", MAIN_CLASS])]
    lines += [shlex.join(["--conf", f"{key}={value}"]) for key, value in conf.items()]
    lines.append(shlex.join([JAR, *stage_arguments(args)]))
    return " \\\n  ".join(lines)


class _NoAliases(yaml.SafeDumper):
    """Writes shared values (labels, envFrom) out in full: manifests are read by people, not only by parsers."""

    def ignore_aliases(self, data):
        return True


def to_yaml(manifest: dict) -> str:
    return yaml.dump(manifest, Dumper=_NoAliases, sort_keys=False)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--stage", required=True, help="the lakeforge subcommand: ingest, validate, features, ...")
    p.add_argument("--run-date", required=True, help="YYYY-MM-DD")
    p.add_argument("--image", required=True, help="the job image built from deploy/kubernetes/Dockerfile")
    p.add_argument("--config", default="conf/pipelines/flights.yaml", help="the pipeline config, relative to conf/'s parent")
    p.add_argument("--run-id", default=None, help="default: RUN_DATE-STAGE (Airflow passes its run id)")
    p.add_argument("--namespace", default="lakeforge")
    p.add_argument("--master", default="k8s://https://kubernetes.default.svc:443", help="for --spark-submit")
    p.add_argument("--spark-version", default=spark_version())
    p.add_argument("--driver-memory", default="2g")
    p.add_argument("--executors", type=int, default=2)
    p.add_argument("--executor-cores", type=int, default=1)
    p.add_argument("--executor-memory", default="4g")
    p.add_argument("--training-rows", type=int, default=0,
                   help="rows handed to XGBoost (train, sweep): sizes spark.executor.memoryOverhead")
    p.add_argument("--mlflow-uri", default=None, help="MLFLOW_TRACKING_URI for the driver (default: the config's)")
    p.add_argument("--spark-submit", action="store_true", help="print the spark-submit line instead")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.run_date):
        print(f"render.py: --run-date {args.run_date!r} is not YYYY-MM-DD", file=sys.stderr)
        return 2
    if args.spark_submit:
        print(spark_submit(args))
    else:
        print(to_yaml(spark_application(args)), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
