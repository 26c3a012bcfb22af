{{- define "portal.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "portal.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "portal.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "portal.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "portal.secretName" -}}
{{- .Values.existingSecret | default (printf "%s-secrets" (include "portal.fullname" .)) -}}
{{- end -}}

{{/* The environment every container gets: settings from the ConfigMap, secrets from the Secret. */}}
{{- define "portal.envFrom" -}}
- configMapRef:
    name: {{ include "portal.fullname" . }}-config
- secretRef:
    name: {{ include "portal.secretName" . }}
{{- end -}}

{{- define "portal.podDefaults" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The container's securityContext: non-root (the image's 10001), read-only root filesystem. */}}
{{- define "portal.containerSecurity" -}}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
{{- end -}}

{{/*
The writable places on a read-only root filesystem, as pod volumes and container mounts:
/tmp (spooled downloads, beat's schedule, gunicorn's heartbeat files), /app/.local (the default
MEDIA_ROOT, used without S3) and, for the pods that serve metrics, PROMETHEUS_MULTIPROC_DIR.
Call with (dict "root" $ "metrics" true|false).
*/}}
{{- define "portal.volumes" -}}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: {{ .root.Values.volumes.tmpSizeLimit }}
  - name: local
    emptyDir:
      sizeLimit: {{ .root.Values.volumes.localSizeLimit }}
  {{- if .metrics }}
  - name: prometheus
    emptyDir:
      sizeLimit: 128Mi
  {{- end }}
{{- end -}}

{{- define "portal.volumeMounts" -}}
volumeMounts:
  - name: tmp
    mountPath: /tmp
  - name: local
    mountPath: /app/.local
  {{- if .metrics }}
  - name: prometheus
    mountPath: /tmp/prometheus
  {{- end }}
{{- end -}}

{{/* What a web or worker container needs to serve its metrics (metrics.port, multiprocess). */}}
{{- define "portal.metricsEnv" -}}
- name: METRICS_PORT
  value: {{ .Values.metrics.port | quote }}
- name: PROMETHEUS_MULTIPROC_DIR
  value: /tmp/prometheus
{{- end -}}

{{- define "portal.metricsPort" -}}
- name: metrics
  containerPort: {{ .Values.metrics.port }}
{{- end -}}

{{/* An HPA for web or worker: (dict "root" $ "component" "web" "autoscaling" .Values.web.autoscaling). */}}
{{- define "portal.hpa" -}}
{{- if .autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "portal.fullname" .root }}-{{ .component }}
  labels:
    {{- include "portal.labels" .root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "portal.fullname" .root }}-{{ .component }}
  minReplicas: {{ .autoscaling.minReplicas }}
  maxReplicas: {{ .autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end -}}

{{/* A PodDisruptionBudget for web or worker: (dict "root" $ "component" "web" "budget" .Values.web.podDisruptionBudget). */}}
{{- define "portal.pdb" -}}
{{- if .budget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "portal.fullname" .root }}-{{ .component }}
  labels:
    {{- include "portal.labels" .root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  maxUnavailable: {{ .budget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "portal.selector" (dict "root" .root "component" .component) | nindent 6 }}
{{- end }}
{{- end -}}
