{{/*
Deployments: the HTTP API and the service's worker processes (outbox relay, event consumers,
Camunda external-task workers). Same image, settings and security context; only the API
serves HTTP and gets a Service.

A service chart renders them with:
  {{ include "catalog-lib.deployment" (dict "root" .) }}
  {{ include "catalog-lib.workers" . }}
The API may get service-specific additions (YAML strings), e.g. identity's signing keys:
  (dict "root" . "extraEnv" "..." "extraVolumes" "..." "extraVolumeMounts" "...")
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
{{- $root := . }}
{{- range $name, $worker := .Values.workers }}
{{- if $worker.enabled }}
---
{{ include "catalog-lib.workload" (dict "root" $root "component" $name "spec" $worker "http" false "extras" dict) }}
{{- end }}
{{- end }}
{{- end }}

{{/* One Deployment. Internal: use catalog-lib.deployment or catalog-lib.workers. */}}
{{- define "catalog-lib.workload" -}}
{{- $root := .root }}
{{- $spec := .spec }}
{{- $v := $root.Values }}
{{- $selector := dict "root" $root "component" .component }}
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
        {{- with $v.podAnnotations }}
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
      {{- if $v.otelCollector.enabled }}
      initContainers:
        {{- include "catalog-lib.otelSidecar" $root | nindent 8 }}
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
          ports:
            - name: http
              containerPort: {{ $v.containerPort }}
              protocol: TCP
          {{- end }}
          envFrom:
            - configMapRef:
                name: {{ include "catalog-lib.fullname" $root }}
          env:
            {{- include "catalog-lib.secretEnv" $root | nindent 12 }}
            {{- with .extras.extraEnv }}
            {{- . | nindent 12 }}
            {{- end }}
          {{- range $probe := list "startupProbe" "livenessProbe" "readinessProbe" }}
          {{- with get $spec $probe }}
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
