"""The Kubernetes manifests, checked as far as can be done without a cluster: every stage's SparkApplication against
the Spark operator's published API models (kubeflow-spark-api), the RBAC and Secret against Kubernetes' own JSON
schemas (kubernetes-validate, strict), the spark-submit line against the SparkApplication, and the Dockerfile
against the build. No cluster ran any of it."""

from __future__ import annotations

import hashlib
import re
import shlex
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from dockerfile_parse import DockerfileParser
from kubeflow_spark_api.models import SparkV1beta2SparkApplication

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "kubernetes"
sys.path.insert(0, str(K8S))
import render  # noqa: E402

# Every lakeforge subcommand that runs stages (LakeforgeMain's subcommands), each its own spark-submit.
STAGES = ["ingest", "validate", "features", "training-set", "train", "sweep", "evaluate", "drift", "register", "score"]
KUBERNETES_VERSION = "1.34.0"
IMAGE = "registry.example.com/lakeforge:0.1.0"


def rendered(*extra: str) -> dict:
    args = render.parser().parse_args(["--stage", "train", "--run-date", "2026-11-27", "--image", IMAGE, *extra])
    return render.spark_application(args)


def unknown_keys(given, parsed, path="") -> list[str]:
    """Keys of the manifest the operator's API model does not have (from_dict drops them silently)."""
    if isinstance(given, dict):
        out = []
        for key, value in given.items():
            if not isinstance(parsed, dict) or key not in parsed:
                out.append(f"{path}.{key}".lstrip("."))
            elif not (path.endswith("labels") or path.endswith("sparkConf")):
                out += unknown_keys(value, parsed[key], f"{path}.{key}")
        return out
    if isinstance(given, list) and isinstance(parsed, list):
        return [k for g, p in zip(given, parsed) for k in unknown_keys(g, p, path + "[]")]
    return []


def operator_problems(manifest: dict) -> list[str]:
    try:
        parsed = SparkV1beta2SparkApplication.from_dict(manifest).to_dict()
    except ValueError as e:  # pydantic's ValidationError is a ValueError
        return [str(e).splitlines()[0] + ": " + " ".join(str(e).splitlines()[1:3])]
    return [f"unknown key {k}" for k in unknown_keys(manifest, parsed)]


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_renders_a_spark_application_the_operator_accepts(stage):
    args = render.parser().parse_args(["--stage", stage, "--run-date", "2026-11-27", "--image", IMAGE])
    manifest = yaml.safe_load(render.to_yaml(render.spark_application(args)))
    assert operator_problems(manifest) == []
    spec = manifest["spec"]
    assert spec["arguments"][:3] == [stage, "--config", "/opt/lakeforge/conf/pipelines/flights.yaml"]
    assert (ROOT / "conf/pipelines/flights.yaml").is_file()
    assert spec["arguments"][spec["arguments"].index("--run-date") + 1] == "2026-11-27"
    assert spec["mainApplicationFile"] == "local:///opt/lakeforge/lakeforge.jar"
    assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", manifest["metadata"]["name"])
    assert len(manifest["metadata"]["name"]) <= 63
    assert spec["restartPolicy"] == {"type": "Never"}
    assert spec["driver"]["serviceAccount"] == "lakeforge-spark"
    for side in ("driver", "executor"):
        assert spec[side]["envFrom"] == [{"secretRef": {"name": "lakeforge-credentials"}}]


def test_the_spark_version_is_the_builds():
    pom = (ROOT / "pom.xml").read_text(encoding="utf-8")
    assert rendered()["spec"]["sparkVersion"] == re.search(r"<spark.version>([^<]+)<", pom).group(1)


def test_the_check_finds_a_misspelt_key_and_a_wrong_type():
    typo = rendered()
    typo["spec"]["executor"]["instanses"] = typo["spec"]["executor"].pop("instances")
    assert operator_problems(typo) == ["unknown key spec.executor.instanses"]
    wrong = rendered()
    wrong["spec"]["executor"]["instances"] = "two"
    problems = operator_problems(wrong)
    assert len(problems) == 1 and "instances" in problems[0], problems


def test_memory_overhead_grows_with_the_training_rows():
    # 0.5 GB per million rows, split over the executors, at least 1 GB.
    assert rendered()["spec"]["executor"]["memoryOverhead"] == "1g"
    assert rendered("--training-rows", "30000000")["spec"]["executor"]["memoryOverhead"] == "8g"
    assert rendered("--training-rows", "30000000", "--executors", "5")["spec"]["executor"]["memoryOverhead"] == "3g"


def test_the_example_in_the_docs_is_what_render_prints():
    example = (K8S / "sparkapplication-train.example.yaml").read_text(encoding="utf-8")
    assert example == render.to_yaml(rendered("--training-rows", "3000000"))


def test_spark_submit_says_what_the_spark_application_says():
    args = render.parser().parse_args(["--stage", "score", "--run-date", "2026-11-27", "--image", IMAGE,
                                       "--training-rows", "12000000"])
    words = shlex.split(render.spark_submit(args).replace("\\\n", " "))
    conf = dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--conf")
    spec = render.spark_application(args)["spec"]
    assert words[words.index("--deploy-mode") + 1] == "cluster"
    assert words[words.index("--master") + 1].startswith("k8s://https://")
    assert conf["spark.kubernetes.container.image"] == IMAGE
    assert conf["spark.executor.instances"] == str(spec["executor"]["instances"])
    assert conf["spark.executor.memoryOverhead"] == spec["executor"]["memoryOverhead"] == "3g"
    assert conf["spark.kubernetes.driver.secretKeyRef.AWS_SECRET_ACCESS_KEY"] == \
        "lakeforge-credentials:AWS_SECRET_ACCESS_KEY"
    for key, value in spec["sparkConf"].items():
        assert conf[key] == value
    assert words[-len(spec["arguments"]) - 1:] == [spec["mainApplicationFile"], *spec["arguments"]]


@pytest.mark.parametrize("name", ["rbac.yaml", "secret.example.yaml"])
def test_kubernetes_objects_follow_kubernetes_schemas(name):
    docs = list(yaml.safe_load_all((K8S / name).read_text(encoding="utf-8")))
    assert docs
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_schema_check_can_fail():
    bad = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "x", "lables": {}}}
    with pytest.raises(kubernetes_validate.ValidationError, match="lables"):
        kubernetes_validate.validate(bad, KUBERNETES_VERSION, strict=True)


def test_the_role_lets_the_driver_run_executors_and_nothing_else():
    docs = {d["kind"]: d for d in yaml.safe_load_all((K8S / "rbac.yaml").read_text(encoding="utf-8"))}
    rule = docs["Role"]["rules"][0]
    assert len(docs["Role"]["rules"]) == 1 and rule["apiGroups"] == [""]
    assert set(rule["resources"]) == {"pods", "services", "configmaps", "persistentvolumeclaims"}
    assert docs["RoleBinding"]["subjects"][0]["name"] == docs["ServiceAccount"]["metadata"]["name"] \
        == render.SERVICE_ACCOUNT


def test_the_dockerfile_matches_the_build():
    parser = DockerfileParser(path=str(K8S / "Dockerfile"))
    pom = (ROOT / "pom.xml").read_text(encoding="utf-8")
    spark, scala = (re.search(rf"<{k}>([^<]+)<", pom).group(1) for k in ("spark.version", "scala.binary"))
    version = re.search(r"<artifactId>lakeforge-parent</artifactId>\s*<version>([^<]+)<", pom).group(1)
    args = {i["value"].split("=", 1)[0]: i["value"].split("=", 1)[1] for i in parser.structure
            if i["instruction"] == "ARG" and "=" in i["value"]}
    assert args["SPARK_IMAGE"] == f"apache/spark:{spark}-scala{scala}-java17-ubuntu"
    assert args["JAR"] == f"app/target/lakeforge-{version}.jar"
    copies = [i["value"].split() for i in parser.structure if i["instruction"] == "COPY"]
    assert ["--chown=spark:spark", "conf/", "/opt/lakeforge/conf/"] in copies
    assert ["--chown=spark:spark", "${JAR}", "/opt/lakeforge/lakeforge.jar"] in copies
    # The S3A jars it downloads are the ones the build resolves, with the digests of those files.
    adds = [i["value"].split() for i in parser.structure if i["instruction"] == "ADD"]
    assert len(adds) == 2
    m2 = Path.home() / ".m2/repository"
    for add in adds:
        digest = next(w for w in add if w.startswith("--checksum=sha256:")).split(":", 1)[1]
        url = next(w for w in add if w.startswith("https://"))
        local = m2 / url.split("/maven2/", 1)[1]
        assert local.is_file(), f"{local}: build the project first (mvn package) so the jar is in ~/.m2"
        assert hashlib.sha256(local.read_bytes()).hexdigest() == digest, url
    hadoop_aws = re.search(r"<hadoop.aws.version>([^<]+)<", pom).group(1)  # the first: the default line's
    assert any(f"/hadoop-aws/{hadoop_aws}/" in w for add in adds for w in add)
