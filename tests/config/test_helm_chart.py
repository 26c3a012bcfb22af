"""The Helm chart lints, renders offline (helm's own Go SDK, no cluster) and every manifest is
valid against the Kubernetes schemas; what operators rely on is checked in the rendered output."""

from pathlib import Path

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

CHART = Path(__file__).resolve().parents[2] / "helm" / "portal"
KUBE_VERSION = "1.30.0"
SECRETS = {"SECRET_KEY": "s", "DATABASE_URL": "postgres://u:p@db/portal", "REDIS_URL": "redis://redis:6379/0",
           "ERP_WIDGET_SECRET": "w", "FIELD_ENCRYPTION_KEYS": "k"}


def render(values: dict) -> list[dict]:
    rendered = helm.Chart.load(CHART).render(values, name="portal", namespace="clientes", is_install=True)
    return [document for path, text in rendered.items() if not path.endswith("NOTES.txt")
            for document in yaml.safe_load_all(text) if document]


def by_kind(manifests, kind, suffix=""):
    return [m for m in manifests if m["kind"] == kind and m["metadata"]["name"].endswith(suffix)]


def test_the_chart_lints_clean():
    report = helm.lint(str(CHART), {"secrets": SECRETS}, strict=True, kube_version=f"v{KUBE_VERSION}")

    assert report["errors"] == [] and [m for m in report["messages"] if m["severity"] >= 2] == []


@pytest.mark.parametrize("values", [
    {"secrets": SECRETS},
    {"existingSecret": "portal-externo", "ingress": {"className": "nginx", "tls": {"enabled": False}},
     "env": {"S3_BUCKET": "archivos"}, "web": {"replicas": 4}},
])
def test_every_manifest_is_valid_kubernetes(values):
    manifests = render(values)

    for manifest in manifests:
        kubernetes_validate.validate(manifest, KUBE_VERSION, strict=True)
    assert {m["kind"] for m in manifests} >= {"Deployment", "Service", "Ingress", "Job", "ConfigMap"}


def test_web_worker_beat_migrations_and_ingress_are_what_operators_expect():
    manifests = render({"secrets": SECRETS, "baseDomain": "portal.com.ar"})
    [web] = by_kind(manifests, "Deployment", "-web")
    [worker] = by_kind(manifests, "Deployment", "-worker")
    [beat] = by_kind(manifests, "Deployment", "-beat")
    [job] = by_kind(manifests, "Job")
    [ingress] = by_kind(manifests, "Ingress")
    [config] = by_kind(manifests, "ConfigMap")
    [secret] = by_kind(manifests, "Secret")

    # migrations run before the new pods, on install and on every upgrade
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert job["spec"]["template"]["spec"]["containers"][0]["command"][-1:] == ["portals_migrate"]
    assert {"name": "MIGRATION_PROCESSES", "value": "2"} in job["spec"]["template"]["spec"]["containers"][0]["env"]
    # and the settings they need exist before them
    for early in (config, secret):
        assert int(early["metadata"]["annotations"]["helm.sh/hook-weight"]) < 0
    # one beat, never two at once
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"]["type"] == "Recreate"
    assert "worker" in worker["spec"]["template"]["spec"]["containers"][0]["command"]
    # processes are recycled, so no database backend keeps the catalogs of every portal
    web_command = web["spec"]["template"]["spec"]["containers"][0]["command"]
    assert web_command[web_command.index("--max-requests") + 1] == "2000"
    assert web_command[web_command.index("--max-requests-jitter") + 1] == "200"
    assert {"name": "CELERY_WORKER_MAX_TASKS_PER_CHILD", "value": "1000"} in \
        worker["spec"]["template"]["spec"]["containers"][0]["env"]
    # the probes ask the root domain's health check
    probe = web["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]
    assert probe["path"] == "/salud/" and probe["httpHeaders"] == [{"name": "Host", "value": "portal.com.ar"}]
    # the public site and every portal's subdomain reach the web service
    assert [rule["host"] for rule in ingress["spec"]["rules"]] == ["portal.com.ar", "*.portal.com.ar"]
    # settings in the ConfigMap, secrets only in the Secret
    assert config["data"]["PORTAL_BASE_DOMAIN"] == "portal.com.ar"
    assert config["data"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert not set(SECRETS) & set(config["data"])
    assert set(secret["stringData"]) == set(SECRETS)


def test_without_secrets_or_an_existing_secret_rendering_says_what_is_missing():
    with pytest.raises(helm.HelmError, match=r"secrets\.SECRET_KEY is required"):
        render({})


def test_security_settings_reach_the_pods_from_values():
    env = {"ERP_WIDGET_FRAME_ANCESTORS": "https://erp.example.com https://erp2.example.com",
           "SECURE_HSTS_PRELOAD": "true", "SECURE_HSTS_SECONDS": "63072000"}
    manifests = render({"secrets": SECRETS, "env": env})
    [config] = by_kind(manifests, "ConfigMap")
    [web] = by_kind(manifests, "Deployment", "-web")

    assert {name: config["data"][name] for name in env} == env
    assert web["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["path"] == "/salud/"
