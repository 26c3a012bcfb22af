"""The Helm chart lints, renders offline (helm's own Go SDK, no cluster) and every manifest is
valid against the Kubernetes schemas; what operators rely on is checked in the rendered output."""

import sys
from pathlib import Path

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

CHART = Path(__file__).resolve().parents[2] / "helm" / "portal"
KUBE_VERSION = "1.30.0"
SECRETS = {"SECRET_KEY": "s", "DATABASE_URL": "postgres://u:p@db/portal", "REDIS_URL": "redis://redis:6379/0",
           "ERP_WIDGET_SECRET": "w", "FIELD_ENCRYPTION_KEYS": "k"}
# The chart's defaults, its example values files, and a mix of switches off the defaults.
VALUE_SETS = {
    "defaults": {"secrets": SECRETS},
    "production": yaml.safe_load((CHART / "values-production.yaml").read_text()),
    "minimal": yaml.safe_load((CHART / "values-minimal.yaml").read_text()),
    "mixed": {"existingSecret": "portal-externo", "ingress": {"className": "nginx", "tls": {"enabled": False}},
              "env": {"S3_BUCKET": "archivos"}, "web": {"replicas": 4}, "migrations": {"enabled": False},
              "worker": {"autoscaling": {"enabled": True}}, "metrics": {"port": 9200}},
}
# Custom resources the Kubernetes schemas do not know; their shape is asserted below instead.
NOT_IN_KUBERNETES_SCHEMAS = {"ServiceMonitor"}


def render(values: dict) -> list[dict]:
    rendered = helm.Chart.load(CHART).render(values, name="portal", namespace="clientes", is_install=True)
    return [document for path, text in rendered.items() if not path.endswith("NOTES.txt")
            for document in yaml.safe_load_all(text) if document]


def by_kind(manifests, kind, suffix=""):
    return [m for m in manifests if m["kind"] == kind and m["metadata"]["name"].endswith(suffix)]


def pod_specs(manifests) -> dict[str, dict]:
    return {m["metadata"]["name"]: m["spec"]["template"]["spec"]
            for m in manifests if m["kind"] in ("Deployment", "Job")}


def containers(manifests):
    for name, spec in pod_specs(manifests).items():
        for container in spec.get("initContainers", []) + spec["containers"]:
            yield name, spec, container


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_the_chart_lints_clean(values):
    report = helm.lint(str(CHART), values, strict=True, kube_version=f"v{KUBE_VERSION}")

    assert report["errors"] == [] and [m for m in report["messages"] if m["severity"] >= 2] == []


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_every_manifest_is_valid_kubernetes(values):
    manifests = render(values)

    for manifest in manifests:
        if manifest["kind"] not in NOT_IN_KUBERNETES_SCHEMAS:
            kubernetes_validate.validate(manifest, KUBE_VERSION, strict=True)
    assert {m["kind"] for m in manifests} >= {"Deployment", "Service", "ConfigMap"}


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


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_every_container_has_cpu_and_memory_requests_and_limits(values):
    found = list(containers(render(values)))

    assert {name.rsplit("-", 1)[1] for name, _, _ in found} >= {"web", "worker", "beat"}
    for name, _, container in found:
        resources = container.get("resources", {})
        assert set(resources.get("requests", {})) >= {"cpu", "memory"}, name
        assert set(resources.get("limits", {})) >= {"cpu", "memory"}, name


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_every_pod_runs_non_root_on_a_read_only_root_filesystem_writing_only_to_empty_dirs(values):
    for name, spec, container in containers(render(values)):
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["runAsUser"] == 10001, name
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert container["securityContext"] == {
            "runAsNonRoot": True, "runAsUser": 10001, "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"}}, name
        # where the app writes: temporary files and beat's schedule, and MEDIA_ROOT without S3
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        mounts = {mount["mountPath"]: volumes[mount["name"]] for mount in container["volumeMounts"]}
        assert {"/tmp", "/app/.local"} <= set(mounts), name
        assert all("emptyDir" in volume for volume in mounts.values()), name


def test_beat_keeps_its_schedule_on_the_writable_tmp():
    [beat] = by_kind(render({"secrets": SECRETS}), "Deployment", "-beat")
    container = beat["spec"]["template"]["spec"]["containers"][0]

    schedule = container["command"][container["command"].index("--schedule") + 1]
    assert schedule.startswith("/tmp/") and {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]


def test_autoscaling_puts_an_hpa_in_charge_of_web_and_worker_replicas():
    manifests = render(VALUE_SETS["production"])
    hpas = {m["metadata"]["name"]: m for m in by_kind(manifests, "HorizontalPodAutoscaler")}

    assert set(hpas) == {"portal-web", "portal-worker"}
    for name, (low, high, cpu) in {"portal-web": (3, 10, 70), "portal-worker": (2, 6, 75)}.items():
        spec = hpas[name]["spec"]
        assert hpas[name]["apiVersion"] == "autoscaling/v2"
        assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert (spec["minReplicas"], spec["maxReplicas"]) == (low, high)
        assert spec["metrics"] == [{"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": cpu}}}]
        # a replicas in the Deployment would reset the HPA's count on every upgrade
        [deployment] = by_kind(manifests, "Deployment", name)
        assert "replicas" not in deployment["spec"]


def test_without_autoscaling_the_deployments_set_their_replicas_and_no_hpa_exists():
    manifests = render({"secrets": SECRETS, "web": {"replicas": 4}})

    assert by_kind(manifests, "HorizontalPodAutoscaler") == []
    assert [d["spec"]["replicas"] for d in by_kind(manifests, "Deployment")] == [1, 4, 1]  # beat, web, worker


def test_web_and_worker_have_disruption_budgets_of_one_pod_at_a_time_and_beat_none():
    manifests = render({"secrets": SECRETS})
    budgets = {m["metadata"]["name"]: m["spec"] for m in by_kind(manifests, "PodDisruptionBudget")}

    assert set(budgets) == {"portal-web", "portal-worker"}
    for name, budget in budgets.items():
        [deployment] = by_kind(manifests, "Deployment", name)
        assert budget["maxUnavailable"] == 1 and "minAvailable" not in budget
        assert budget["selector"]["matchLabels"] == deployment["spec"]["template"]["metadata"]["labels"]
    assert by_kind(render(VALUE_SETS["minimal"]), "PodDisruptionBudget") == []


def test_web_probes_liveness_on_vivo_and_readiness_on_salud():
    [web] = by_kind(render({"secrets": SECRETS, "baseDomain": "portal.com.ar"}), "Deployment", "-web")
    container = web["spec"]["template"]["spec"]["containers"][0]

    probes = ("startupProbe", "livenessProbe", "readinessProbe")
    paths = {probe: container[probe]["httpGet"]["path"] for probe in probes}
    assert paths == {"startupProbe": "/salud/vivo/", "livenessProbe": "/salud/vivo/", "readinessProbe": "/salud/"}
    for probe in paths:
        assert container[probe]["httpGet"]["port"] == "http"
        assert container[probe]["httpGet"]["httpHeaders"] == [{"name": "Host", "value": "portal.com.ar"}]
    # two minutes to start before liveness may restart the pod
    assert container["startupProbe"]["periodSeconds"] * container["startupProbe"]["failureThreshold"] == 120


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_the_workers_liveness_does_not_go_through_redis(values):
    # a Redis outage must not restart the workers (and the ZIPs and mail in their hands)
    [worker] = by_kind(render(values), "Deployment", "-worker")
    [container] = worker["spec"]["template"]["spec"]["containers"]

    probe = container["livenessProbe"]

    assert probe["httpGet"] == {"path": "/metrics", "port": "metrics"}
    assert "exec" not in probe


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_the_web_command_runs_gunicorn_with_the_images_config_and_the_values_workers(values, monkeypatch, tmp_path):
    """As gunicorn reads the rendered command in the image's working directory: with
    config/gunicorn.py's hooks (the metrics port, the access log's request id)."""
    import gunicorn.config
    from gunicorn.app.wsgiapp import WSGIApplication

    [web] = by_kind(render(values), "Deployment", "-web")
    command = web["spec"]["template"]["spec"]["containers"][0]["command"]
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # the config file's default is for pods only
    for variable in ("WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(sys, "argv", command)
    # the image's working directory: gunicorn changes to --chdir's default (read when it is
    # imported) before it reads the config file, and adds it to sys.path
    monkeypatch.setattr(gunicorn.config.Chdir, "default", str(CHART.parents[1]))
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setitem(sys.modules, "__config__", None)

    config = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]", prog="gunicorn").cfg

    assert command[0] == "gunicorn" and config.wsgi_app == "config.wsgi"
    for hook in ("on_starting", "when_ready", "child_exit"):
        assert getattr(config, hook).__code__.co_filename.endswith("config/gunicorn.py"), hook
    assert "{x-request-id}o" in config.access_log_format and config.accesslog == "-"
    web_values = {"workers": 3, "maxRequests": 2000, **values.get("web", {})}
    assert (config.workers, config.max_requests) == (web_values["workers"], web_values["maxRequests"])
    assert config.bind == ["0.0.0.0:8000"]


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_web_and_worker_serve_metrics_that_the_ingress_never_routes_to(values):
    manifests = render(values)
    port = values.get("metrics", {}).get("port", 9100)

    for component in ("web", "worker"):
        [deployment] = by_kind(manifests, "Deployment", f"-{component}")
        spec = deployment["spec"]["template"]["spec"]
        [container] = spec["containers"]
        assert {"name": "metrics", "containerPort": port} in container["ports"]
        assert {"name": "METRICS_PORT", "value": str(port)} in container["env"]
        assert {"name": "PROMETHEUS_MULTIPROC_DIR", "value": "/tmp/prometheus"} in container["env"]
        assert {"name": "prometheus", "mountPath": "/tmp/prometheus"} in container["volumeMounts"]
        assert "emptyDir" in next(v for v in spec["volumes"] if v["name"] == "prometheus")
    [web_service] = by_kind(manifests, "Service", "-web")
    # the web Service carries only http: a LoadBalancer or NodePort type publishes nothing else
    assert [entry["name"] for entry in web_service["spec"]["ports"]] == ["http"]
    for component in ("web", "worker"):
        [metrics_service] = by_kind(manifests, "Service", f"-{component}-metrics")
        assert metrics_service["spec"]["clusterIP"] == "None"
        assert metrics_service["spec"]["ports"] == [{"name": "metrics", "port": port, "targetPort": "metrics"}]
        assert metrics_service["metadata"]["labels"]["app.kubernetes.io/component"] == component
    for ingress in by_kind(manifests, "Ingress"):
        backends = [path["backend"]["service"] for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]]
        assert backends and all(backend == {"name": "portal-web", "port": {"name": "http"}} for backend in backends)


def test_the_service_monitor_is_off_by_default_and_scrapes_web_and_worker_when_on():
    assert by_kind(render({"secrets": SECRETS}), "ServiceMonitor") == []

    manifests = render(VALUE_SETS["production"])
    [monitor] = by_kind(manifests, "ServiceMonitor")

    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert monitor["spec"]["endpoints"] == [{"port": "metrics", "path": "/metrics", "interval": "30s",
                                             "scrapeTimeout": "10s"}]
    assert monitor["spec"]["namespaceSelector"] == {"matchNames": ["clientes"]}
    selector = monitor["spec"]["selector"]
    [expression] = selector["matchExpressions"]
    selected = [service["metadata"]["name"] for service in by_kind(manifests, "Service")
                if selector["matchLabels"].items() <= service["metadata"]["labels"].items()
                and service["metadata"]["labels"][expression["key"]] in expression["values"]]
    assert expression["operator"] == "In" and selected == ["portal-web-metrics", "portal-worker-metrics"]
