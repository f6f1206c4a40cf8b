{{/*
Deployments: the HTTP API and the service's worker processes (outbox relay, event consumers,
Camunda external-task workers). Same image, settings and security context; only the API
serves HTTP and gets a Service.

A service chart renders them with:
  {{ include "catalog-lib.deployment" (dict "root" .) }}
  {{ include "catalog-lib.workers" . }}
The API may get service-specific additions (YAML strings), e.g. identity's signing keys:
  (dict "root" . "extraEnv" "..." "extraVolumes" "..." "extraVolumeMounts" "...")
The workers may get them too, for every worker and per worker, e.g. the store's Secret-held
settings:
  (dict "root" . "extraEnv" "..." "workers" (dict "consumers" (dict "extraPorts" "..."
        "podAnnotations" (dict ...))))
A worker's own additions replace the common ones of the same key. Every workload takes
"extraPorts" (YAML list of ContainerPorts, after the API's `http` or the worker's `metrics`)
and "podAnnotations" (a map, under the chart's `podAnnotations`, which win on the same key).

Every worker serves its metrics and liveness on a port of its own (the chart's `workerMetrics`,
see catalog-lib.workerMetrics); the API serves /metrics on its HTTP port and gets none of it.
*/}}

{{- define "catalog-lib.deployment" -}}
{{- $root := .root }}
{{- $spec := dict
      "replicaCount" $root.Values.replicaCount
      "autoscaling" $root.Values.autoscaling.enabled
      "command" $root.Values.command
      "resources" $root.Values.resources
      "livenessProbe" $root.Values.livenessProbe
      "readinessProbe" $root.Values.readinessProbe
      "startupProbe" $root.Values.startupProbe }}
{{- include "catalog-lib.workload" (dict "root" $root "component" "api" "spec" $spec "http" true "extras" .) }}
{{- end }}

{{- define "catalog-lib.workers" -}}
{{- /* The root context, or (dict "root" . ...) with additions. */}}
{{- $root := . }}
{{- $common := dict }}
{{- $own := dict }}
{{- if hasKey . "root" }}
{{- $root = .root }}
{{- $common = omit . "root" "workers" }}
{{- $own = .workers | default dict }}
{{- end }}
{{- range $name, $worker := $root.Values.workers }}
{{- if $worker.enabled }}
{{- $extras := merge (dict) (get $own $name | default dict) $common }}
---
{{ include "catalog-lib.workload" (dict "root" $root "component" $name "spec" $worker "http" false "extras" $extras) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
What a worker's metrics server (catalog_chassis.worker_endpoints) adds to its Deployment when
the chart's `workerMetrics.enabled`, as JSON: the container port `metrics`, METRICS_PORT and
METRICS_ADDRESS (0.0.0.0: the server's default, 127.0.0.1, cannot be reached from outside the
pod) in the container's env (never in the ConfigMap, which the API reads too), the startup and
liveness probes on /health/live (a worker's own `startupProbe`/`livenessProbe` win) and, with
`scrapeAnnotations`, Prometheus' annotations (under every other pod annotation). `{}` when
off, or in a chart without `workerMetrics` (no workers). Takes the root context.
*/}}
{{- define "catalog-lib.workerMetrics" -}}
{{- $metrics := .Values.workerMetrics | default dict }}
{{- $added := dict }}
{{- if $metrics.enabled }}
{{- $port := int $metrics.port }}
{{- $_ := set $added "port" $port }}
{{- $_ := set $added "probes" (pick $metrics "startupProbe" "livenessProbe") }}
{{- if $metrics.scrapeAnnotations }}
{{- $_ := set $added "podAnnotations" (dict
      "prometheus.io/scrape" "true"
      "prometheus.io/port" (toString $port)
      "prometheus.io/path" "/metrics") }}
{{- end }}
{{- end }}
{{- toJson $added }}
{{- end }}

{{/* One Deployment. Internal: use catalog-lib.deployment or catalog-lib.workers. */}}
{{- define "catalog-lib.workload" -}}
{{- $root := .root }}
{{- $spec := .spec }}
{{- $v := $root.Values }}
{{- $selector := dict "root" $root "component" .component }}
{{- $metrics := dict }}
{{- if not .http }}
{{- $metrics = include "catalog-lib.workerMetrics" $root | fromJson }}
{{- end }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ if .http }}{{ include "catalog-lib.fullname" $root }}{{ else }}{{ printf "%s-%s" (include "catalog-lib.fullname" $root) .component | trunc 63 | trimSuffix "-" }}{{ end }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "catalog-lib.componentLabels" $selector | nindent 4 }}
spec:
  {{- if not $spec.autoscaling }}
  replicas: {{ $spec.replicaCount }}
  {{- end }}
  revisionHistoryLimit: {{ $v.revisionHistoryLimit }}
  selector:
    matchLabels:
      {{- include "catalog-lib.componentSelectorLabels" $selector | nindent 6 }}
  template:
    metadata:
      annotations:
        {{- include "catalog-lib.configChecksums" $root | nindent 8 }}
        {{- with merge (dict) ($v.podAnnotations | default dict) (.extras.podAnnotations | default dict) ($metrics.podAnnotations | default dict) }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "catalog-lib.componentLabels" $selector | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      {{- include "catalog-lib.podSettings" $root | nindent 6 }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      {{- with $v.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- tpl (toYaml .) $root | nindent 8 }}
      {{- end }}
      {{- $migrationWait := include "catalog-lib.migrationWait" $root | trim }}
      {{- if or $v.otelCollector.enabled $migrationWait }}
      initContainers:
        {{- if $v.otelCollector.enabled }}
        {{- include "catalog-lib.otelSidecar" $root | nindent 8 }}
        {{- end }}
        {{- with $migrationWait }}
        {{- . | nindent 8 }}
        {{- end }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "catalog-lib.image" $root | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          {{- with $spec.command }}
          command:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- if .http }}
          lifecycle:
            preStop:
              # A rolling update removes the pod from the Service's endpoints while it is
              # told to stop; serving a few more seconds covers the time kube-proxy and the
              # edge take to notice, so no request meets a closed port.
              sleep:
                seconds: 5
          {{- end }}
          {{- if or .http $metrics.port .extras.extraPorts }}
          ports:
            {{- if .http }}
            - name: http
              containerPort: {{ $v.containerPort }}
              protocol: TCP
            {{- end }}
            {{- with $metrics.port }}
            - name: metrics
              containerPort: {{ int . }}
              protocol: TCP
            {{- end }}
            {{- with .extras.extraPorts }}
            {{- . | nindent 12 }}
            {{- end }}
          {{- end }}
          envFrom:
            - configMapRef:
                name: {{ include "catalog-lib.fullname" $root }}
          env:
            {{- include "catalog-lib.secretEnv" $root | nindent 12 }}
            {{- with include "catalog-lib.processEngineEnv" $root | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $metrics.port }}
            - name: METRICS_PORT
              value: {{ int . | quote }}
            - name: METRICS_ADDRESS
              value: "0.0.0.0"
            {{- end }}
            {{- with .extras.extraEnv }}
            {{- . | nindent 12 }}
            {{- end }}
          {{- $defaultProbes := $metrics.probes | default dict }}
          {{- range $probe := list "startupProbe" "livenessProbe" "readinessProbe" }}
          {{- with get $spec $probe | default (get $defaultProbes $probe) }}
          {{ $probe }}:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- end }}
          resources:
            {{- required (printf "resources of %s are required" .component) $spec.resources | toYaml | nindent 12 }}
          securityContext:
            {{- include "catalog-lib.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            {{- include "catalog-lib.tmpVolumeMount" $root | nindent 12 }}
            {{- with .extras.extraVolumeMounts }}
            {{- . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "catalog-lib.tmpVolume" $root | nindent 8 }}
        {{- if $v.otelCollector.enabled }}
        {{- include "catalog-lib.otelVolume" $root | nindent 8 }}
        {{- end }}
        {{- with .extras.extraVolumes }}
        {{- . | nindent 8 }}
        {{- end }}
{{- end }}
